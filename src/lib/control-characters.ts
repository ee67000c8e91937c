/**
 * Invisible control characters: the C0 and C1 controls and DEL other than the whitespace ones (tab, line feed,
 * vertical tab, form feed, carriage return — which the forms fold into spaces), and the bidirectional controls
 * (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which reverse or reorder the text shown after them.
 *
 * One rule for every text a person types or uploads: a value holding one is refused (the employee's form on Save and
 * on Continue, the bulk-send spreadsheet), and wherever a refused value is shown again (the form's fields, the bulk
 * preview, the review) each such character is written as its code point in brackets, e.g. "[U+202E]", through the
 * `showControls` view filter (src/platform/views.ts): visible, and inert.
 */
const CONTROL_SOURCE = '(?![\\t\\n\\v\\f\\r])[\\p{Cc}\\p{Bidi_Control}]';
const HAS_CONTROL = new RegExp(CONTROL_SOURCE, 'u');

/** The written form of one character: "[U+202E]", "[U+0000]". */
function codePoint(c: string): string {
  return `[U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`;
}

export function hasControlCharacters(text: string): boolean {
  return HAS_CONTROL.test(text);
}

/** The control characters of `text`, each once, in the order met, written "[U+202E]". */
export function controlCharactersIn(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(new RegExp(CONTROL_SOURCE, 'gu')), (m) => codePoint(m[0])))];
}

/** `text` with each control character written "[U+XXXX]"; any other character unchanged. */
export function showControlCharacters(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(new RegExp(CONTROL_SOURCE, 'gu'), codePoint) : text;
}
