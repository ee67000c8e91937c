/** Domain errors thrown by services and mapped to pages by one error handler (middleware/errors.ts). */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** A translation key shown to the user. */
    readonly messageKey: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what = 'resource') {
    super(`${what} not found`, 404, 'errors:notFound.title');
  }
}

export class ForbiddenError extends DomainError {
  constructor(messageKey = 'errors:forbidden.body') {
    super('forbidden', 403, messageKey);
  }
}

/** A rule refused the change; messageKey explains why in the page language. */
export class ConflictError extends DomainError {
  constructor(
    messageKey: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(`conflict: ${messageKey}`, 409, messageKey);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor() {
    super('not signed in', 401, 'errors:notSignedIn.body');
  }
}
