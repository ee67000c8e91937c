import { z } from 'zod';

const date = (field: string) =>
  z
    .string()
    .trim()
    .min(1, `absence:errors.${field}Required`)
    .regex(/^\d{4}-\d{2}-\d{2}$/, `absence:errors.${field}Invalid`)
    .refine(
      (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v,
      `absence:errors.${field}Invalid`,
    );

/** The absence form: dates ('YYYY-MM-DD', in TIME_ZONE) and the delegate's id; the date rules need `now` (service). */
export const absenceSchema = z.object({
  startsOn: date('startsOn'),
  endsOn: date('endsOn'),
  delegateId: z.coerce
    .number({ message: 'absence:errors.delegateRequired' })
    .int('absence:errors.delegateRequired')
    .positive('absence:errors.delegateRequired')
    .max(2 ** 31 - 1, 'absence:errors.delegateRequired'),
});

export type AbsenceInput = z.infer<typeof absenceSchema>;

export function toAbsenceCandidate(body: Record<string, unknown>): Record<string, string> {
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  return { startsOn: s(body.startsOn), endsOn: s(body.endsOn), delegateId: s(body.delegateId) };
}
