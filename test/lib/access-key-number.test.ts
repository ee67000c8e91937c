import { normaliseAccessKeyNumber } from '../../src/lib/access-key-number';

describe('normaliseAccessKeyNumber (what a person typed, before any lookup)', () => {
  it.each([
    ['exactly', '4Z0Y04V0'],
    ['in lower case', '4z0y04v0'],
    ['with O for 0', '4ZOYO4VO'],
    ['with spaces and a hyphen', ' 4Z0Y-04V0 '],
  ])('reads the key typed %s', (_how, typed) => {
    expect(normaliseAccessKeyNumber(typed)).toBe('4Z0Y04V0');
  });

  it('maps I and L to 1', () => {
    expect(normaliseAccessKeyNumber('iabcLdef')).toBe('1ABC1DEF');
  });

  it.each([
    ['a number too short', '9ZZZ'],
    ['a letter outside the alphabet', '9ZZZZZZU'],
    ['something that is not text', 42],
  ])('refuses %s', (_what, typed) => {
    expect(normaliseAccessKeyNumber(typed)).toBeUndefined();
  });
});
