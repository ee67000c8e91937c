/**
 * HTML escaping for the places that build markup in code rather than in a Nunjucks template: the e-mail template
 * engine, and large tables whose cells would otherwise cost a template call each. Escapes the same characters as
 * Nunjucks' autoescape.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\\': '&#92;' };
const NEEDS_ESCAPE = /[&<>"'\\]/g;
const HAS_SPECIAL = /[&<>"'\\]/;

export function escapeHtml(value: string | number): string {
  const s = String(value);
  return HAS_SPECIAL.test(s) ? s.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] as string) : s;
}
