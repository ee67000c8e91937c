import type { Db } from '../../platform/db';
import { formatDate } from '../../platform/i18n';
import type { EmailToQueue } from '../outbox/enqueue';
import { cardholderValues, type FormContext } from './form-data';
import { urgentAlertRecipients } from './repository';
import { delegatesOf } from '../administrators/absence';

/**
 * The e-mails about an application that several pages send (the signature, the approver's decision, the approval
 * request). Each returns the rows to queue; the caller queues them in the transaction of the change that causes them.
 */

/** The employee's name as the form has it (the cardholder section), else as the application was initiated. */
export function employeeName(ctx: FormContext): string {
  const holder = cardholderValues(ctx);
  return [holder.firstName || ctx.application.firstName, holder.lastName || ctx.application.lastName].filter(Boolean).join(' ');
}

/**
 * E-mail 7 (urgent application to approve): to the key's creator for self-service, else the initiating administrator,
 * and the key's notification recipients; each in their language when they are administrators of Sésame. Sent when an
 * urgent application is signed and, when it then waited for the additional approver, again once they approve
 * (the approver's decision): that is when the company can approve it.
 */
export async function urgentAlertEmails(
  trx: Db,
  ctx: FormContext,
  input: { version: number; signedAt: Date; timeZone: string; awaitingAdditionalApproval: boolean; approvedByAdditionalApprover?: boolean },
): Promise<EmailToQueue[]> {
  const recipients = await urgentAlertRecipients(trx, ctx.application.id);
  if (!recipients.length) return [];
  // Out of office: the delegate of a recipient absent today is told too.
  for (const d of await delegatesOf(
    trx,
    recipients.map((r) => r.email),
    input.signedAt,
    input.timeZone,
  ))
    if (!recipients.some((r) => r.email === d.email)) recipients.push({ email: d.email, language: d.language });
  const name = employeeName(ctx);
  return recipients.map(({ email: to, language }) => {
    return {
      idempotencyKey: `urgent-alert:${ctx.application.id}:${input.version}:${input.approvedByAdditionalApprover ? 'approver-approved:' : ''}${to}`,
      template: 'urgent-alert' as const,
      to,
      language,
      data: {
        reference: ctx.application.reference,
        employeeName: name,
        companyName: ctx.account.companyName,
        accountNumber: ctx.account.number,
        keyName: ctx.key.name,
        signedOn: formatDate(language, input.signedAt, input.timeZone, true),
        awaitingAdditionalApproval: input.awaitingAdditionalApproval,
        ...(input.approvedByAdditionalApprover ? { approvedByAdditionalApprover: true } : {}),
      },
      applicationId: ctx.application.id,
    };
  });
}
