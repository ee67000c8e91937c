import { z } from 'zod';
import { formErrorsFromZod, type FormErrors } from '../../lib/form-errors';
import { MESSAGE_MAX_LENGTH } from '../../core/threads/threads';
import { answerDateProblem, REQUESTED_DOCUMENTS, type RequestedDocument } from '../../core/information-requests/information-requests';

const E = 'information-requests:fields';

const message = z
  .string({ error: `${E}.message.errors.required` })
  .trim()
  .min(1, `${E}.message.errors.required`)
  .max(MESSAGE_MAX_LENGTH, `${E}.message.errors.tooLong`);

/** Ticked boxes arrive as one string or an array of strings. */
const documents = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(z.string())
    .refine((list) => list.length <= REQUESTED_DOCUMENTS.length && list.every((d) => (REQUESTED_DOCUMENTS as readonly string[]).includes(d)), {
      message: `${E}.documents.errors.invalid`,
    })
    .transform((list) => list as RequestedDocument[]),
);

/** Asking (or asking again): a message, the documents wanted, an answer date in the future and at most 60 days ahead. */
export function parseRequestForm(
  body: Record<string, unknown>,
  now: Date,
  timeZone: string,
): { ok: true; value: { message: string; documents: RequestedDocument[]; answerBy: string } } | { ok: false; errors: FormErrors } {
  const schema = z.object({ message, documents, answerBy: z.string({ error: `${E}.answerBy.errors.required` }).trim() }).superRefine((v, ctx) => {
    const problem = answerDateProblem(v.answerBy, now, timeZone);
    if (problem) ctx.addIssue({ code: 'custom', path: ['answerBy'], message: problem });
  });
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: formErrorsFromZod(parsed.error) };
  return { ok: true, value: { ...parsed.data, documents: [...new Set(parsed.data.documents)] } };
}

/** The employee's answer: a message (the documents are checked by the thread). */
export function parseAnswerForm(body: Record<string, unknown>): { ok: true; message: string } | { ok: false; errors: FormErrors } {
  const parsed = z.object({ message }).safeParse(body);
  if (!parsed.success) return { ok: false, errors: formErrorsFromZod(parsed.error) };
  return { ok: true, message: parsed.data.message };
}

/** The file fields of the answer form: one per kind of document (`file_identity`…). */
export const ANSWER_FILE_FIELDS = REQUESTED_DOCUMENTS.map((kind) => ({ kind, field: `file_${kind}` }));
