import { controlCharactersIn, hasControlCharacters, showControlCharacters } from '../../src/lib/control-characters';
import { configureViews } from '../../src/platform/views';

describe('control characters (one rule: refused where typed, made visible where shown)', () => {
  it.each([
    ['NUL', '\u0000'],
    ['a C0 control', '\u001b'],
    ['DEL', '\u007f'],
    ['a C1 control', '\u0085'],
    ['the right-to-left override', '\u202e'],
    ['the left-to-right mark', '\u200e'],
    ['a bidi isolate', '\u2067'],
    ['the Arabic letter mark', '\u061c'],
  ])('finds %s', (_what, c) => {
    expect(hasControlCharacters(`ab${c}cd`)).toBe(true);
  });

  it.each([
    ['accented letters and typographic apostrophes', 'Anne-Sophie O’Connor, Saint-Étienne'],
    ['whitespace the forms fold into spaces', 'a\tb\nc\r\nd\ve\ff'],
    ['non-breaking spaces and emoji', 'a\u00a0b \u{1F600}'],
    ['right-to-left letters (not controls)', 'שלום مرحبا'],
  ])('leaves alone %s', (_what, text) => {
    expect(hasControlCharacters(text)).toBe(false);
    expect(showControlCharacters(text)).toBe(text);
  });

  it('writes each control character as its code point in brackets, the rest unchanged', () => {
    expect(showControlCharacters('abc\u202edef\u0000!')).toBe('abc[U+202E]def[U+0000]!');
    expect(showControlCharacters('a\nb\u2066c')).toBe('a\nb[U+2066]c');
  });

  it('lists the control characters met, each once', () => {
    expect(controlCharactersIn('\u202ea\u0000b\u202e')).toEqual(['[U+202E]', '[U+0000]']);
    expect(controlCharactersIn('plain')).toEqual([]);
  });

  it('is the `showControls` view filter; other values pass through', () => {
    const env = configureViews(undefined);
    expect(env.renderString('{{ v | showControls }}', { v: 'x\u202ey<' })).toBe('x[U+202E]y&lt;');
    expect(env.renderString('{{ v | showControls }}', { v: 42 })).toBe('42');
  });
});
