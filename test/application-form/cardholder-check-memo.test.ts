import { validateCardholder } from '../../src/core/application/form-schema';
import type { FormContext } from '../../src/core/application/form-data';

/** The cardholder check is remembered by its whole input: same answer, never shared, and the key's rules count. */
describe('validateCardholder, remembered by its input', () => {
  const ctxWith = (employeeNumberRule: string) => ({ key: { employeeNumberRule, costCentreRule: 'optional' } }) as unknown as FormContext;
  const input = { title: 'mrs', firstName: 'Élodie', lastName: 'Dupré', employeeNumber: '' };

  it('answers the same twice, and a copy each time', () => {
    const first = validateCardholder(input, ctxWith('optional'), '2026-12-07');
    const again = validateCardholder(input, ctxWith('optional'), '2026-12-07');
    expect(again).toEqual(first);
    expect(again.values).not.toBe(first.values);
    first.issues.push({ field: 'title', key: 'changed by a caller' });
    first.values.firstName = 'changed';
    expect(validateCardholder(input, ctxWith('optional'), '2026-12-07')).toEqual(again);
  });

  it('depends on the key’s rules and on today', () => {
    const optional = validateCardholder(input, ctxWith('optional'), '2026-12-07');
    const required = validateCardholder(input, ctxWith('required'), '2026-12-07');
    expect(optional.issues.some((i) => i.field === 'employeeNumber')).toBe(false);
    expect(required.issues.some((i) => i.field === 'employeeNumber')).toBe(true);
    const adult = { ...input, dobDay: '7', dobMonth: '12', dobYear: '2008' };
    const onBirthday = validateCardholder(adult, ctxWith('optional'), '2026-12-07');
    const dayBefore = validateCardholder(adult, ctxWith('optional'), '2026-12-06');
    expect(onBirthday.issues.some((i) => i.field === 'dateOfBirth')).toBe(false);
    expect(dayBefore.issues.some((i) => i.field === 'dateOfBirth')).toBe(true);
  });
});
