/**
 * A file size in the reader's language and units: "5,2 Ko" in French, "5.2 KB" in English (1 Ko = 1 KB = 1,024
 * bytes, at most one decimal). The number and its unit are joined by a no-break space, so they never part at a line
 * end. Every size the app shows goes through here: documents, review page, signed PDF, upload limits.
 */
const UNITS: Record<'fr' | 'en', readonly string[]> = {
  fr: ['o', 'Ko', 'Mo', 'Go'],
  en: ['B', 'KB', 'MB', 'GB'],
};
const NO_BREAK_SPACE = '\u00a0';
const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: 'fr' | 'en'): Intl.NumberFormat {
  let f = formats.get(language);
  if (!f) {
    f = new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
    formats.set(language, f);
  }
  return f;
}

/** `locale`: a language or locale tag ("fr", "fr-FR", "en"…); anything but French is shown in English. */
export function formatFileSize(bytes: number, locale: string): string {
  const language = locale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
  const units = UNITS[language];
  let value = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  let unit = 0;
  // Step up while the value, rounded as shown, would reach 1,024 of the unit (1,023.96 KB shows as 1 MB).
  while (unit < units.length - 1 && Math.round(value * 10) / 10 >= 1024) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) value = Math.round(value);
  return `${numberFormat(language).format(value)}${NO_BREAK_SPACE}${units[unit]}`;
}
