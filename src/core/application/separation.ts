/**
 * Separation of duties (issue 16): an administrator never decides on their own application. Their e-mail address is
 * the applicant's: they cannot approve, return, cancel or change the priority of it, platform administrators included.
 */
export function isOwnApplication(actor: { email: string }, application: { email: string }): boolean {
  return actor.email.trim().toLowerCase() === application.email.trim().toLowerCase();
}
