import { getI18n, tFor } from '../../src/platform/i18n';

/** tFor memoises translations (resources never change at run time): it must answer exactly what i18next answers. */
describe('memoised translation function', () => {
  const cases: Array<[string, unknown?]> = [
    ['common:nav.tracking'],
    ['common:nav.approvals', { count: 0 }],
    ['common:nav.approvals', { count: 1 }],
    ['common:nav.approvals', { count: 1234 }],
    ['approvals:list.totals.all', { count: 2 }],
    ['approvals:list.totals.all', { count: '2' }],
    ['accounts:plasticTypes.unknown-code', { defaultValue: 'unknown-code' }],
    ['accounts:plasticTypes.other-code', { defaultValue: 'other-code' }],
    ['common:no.such.key'],
    ['common:no.such.key', 'fallback text'],
  ];

  it.each(['fr', 'en'] as const)('gives what i18next gives, first and second time (%s)', (lang) => {
    const plain = getI18n().getFixedT(lang) as unknown as (...a: unknown[]) => unknown;
    const memo = tFor(lang) as unknown as (...a: unknown[]) => unknown;
    for (const [key, options] of cases) {
      const args = options === undefined ? [key] : [key, options];
      const expected = plain(...args);
      expect([key, options, memo(...args)]).toEqual([key, options, expected]);
      expect([key, options, memo(...args)]).toEqual([key, options, expected]);
    }
  });

  it('keeps languages and options apart', () => {
    expect(tFor('fr')('common:nav.approvals', { count: 3 })).not.toEqual(tFor('en')('common:nav.approvals', { count: 3 }));
    expect(tFor('en')('common:nav.approvals', { count: 3 })).toContain('3');
    expect(tFor('en')('common:nav.approvals', { count: 4 })).toContain('4');
  });
});
