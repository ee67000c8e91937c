const ENGLISH_PLURALS = new Intl.PluralRules('en');

/** "1 file", "2 files": a count with its noun in English (the command-line tools speak English). */
export function counted(n: number, one: string, other: string): string {
  return `${n} ${ENGLISH_PLURALS.select(n) === 'one' ? one : other}`;
}
