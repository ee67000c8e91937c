import { formatFileSize } from '../../src/lib/file-size';

/** Sizes in the reader's language and units, with a no-break space between number and unit. */
describe('formatFileSize', () => {
  const nb = '\u00a0';

  it('writes French sizes with a decimal comma and Ko / Mo / Go', () => {
    expect(formatFileSize(5.2 * 1024, 'fr')).toBe(`5,2${nb}Ko`);
    expect(formatFileSize(5 * 1024 * 1024, 'fr')).toBe(`5${nb}Mo`);
    expect(formatFileSize(1536 * 1024 * 1024, 'fr-FR')).toBe(`1,5${nb}Go`);
    expect(formatFileSize(512, 'fr')).toBe(`512${nb}o`);
  });

  it('writes English sizes with a decimal point and KB / MB / GB', () => {
    expect(formatFileSize(5.2 * 1024, 'en')).toBe(`5.2${nb}KB`);
    expect(formatFileSize(5 * 1024 * 1024, 'en')).toBe(`5${nb}MB`);
    expect(formatFileSize(1536 * 1024 * 1024, 'en-GB')).toBe(`1.5${nb}GB`);
    expect(formatFileSize(512, 'en')).toBe(`512${nb}B`);
  });

  it('keeps at most one decimal and moves to the next unit when the rounded value reaches 1,024', () => {
    expect(formatFileSize(5301, 'en')).toBe(`5.2${nb}KB`);
    expect(formatFileSize(1024 * 1024 - 10, 'fr')).toBe(`1${nb}Mo`);
    expect(formatFileSize(1023, 'en')).toBe(`1,023${nb}B`);
    expect(formatFileSize(0, 'fr')).toBe(`0${nb}o`);
  });
});
