/**
 * Retention (SPEC §5, issue 13 part 5): an application's personal data is erased RETENTION_MONTHS after it became final
 * (core/application/status finalSince), its signed PDFs and archive records deleted ARCHIVE_RETENTION_YEARS after.
 * Pure: `now` is a parameter.
 */

/** `now` minus whole calendar months (UTC); the end of a shorter month clamps (31 March − 1 month = 28/29 February). */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** Applications final at or before this instant have their personal data erased. */
export function personalDataCutoff(now: Date, retentionMonths: number): Date {
  return monthsBefore(now, retentionMonths);
}

/** Applications final at or before this instant have their archived files deleted. */
export function archiveCutoff(now: Date, archiveYears: number): Date {
  return monthsBefore(now, archiveYears * 12);
}
