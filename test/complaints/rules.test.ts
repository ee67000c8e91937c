import { addBusinessDays } from '../../src/lib/business-days';
import { answerDeadline, allowedActions, deadlineView, extensionLimit, extensionRefusal, newComplaintReference } from '../../src/core/complaints/complaints';

/** Issue 14 part 2: the complaint's deadline rules (15 business days, once extendable to 35), in France and Belgium. */
describe('complaint deadlines', () => {
  it.each([
    // Received Friday 30 April 2027: 1 and 8 May are Saturdays; Ascension (6 May) and Whit Monday (17 May) are skipped in both.
    ['FR', '2027-04-30', '2027-05-25', '2027-06-22'],
    ['BE', '2027-04-30', '2027-05-25', '2027-06-22'],
    // Received Thursday 30 April 2026: 8 May (a Friday) is a French public holiday, not a Belgian one.
    ['FR', '2026-04-30', '2026-05-27', '2026-06-24'],
    ['BE', '2026-04-30', '2026-05-26', '2026-06-23'],
    // Across the year end: Christmas and New Year's Day.
    ['FR', '2026-12-18', '2027-01-12', '2027-02-09'],
  ] as const)('in %s, a complaint received on %s is due on %s, at the latest %s once extended', (country, received, due, limit) => {
    expect(answerDeadline(received, country)).toBe(due);
    expect(extensionLimit(received, country)).toBe(limit);
    expect(addBusinessDays(received, 15, country)).toBe(due);
  });

  const open = { status: 'in_progress' as const, extendedAt: null, dueOn: '2027-05-25', receivedOn: '2027-04-30', country: 'FR' as const };

  it('allows one extension, later than the deadline and not past 35 business days after receipt', () => {
    expect(extensionRefusal(open, '2027-06-22')).toBeNull();
    expect(extensionRefusal(open, '2027-06-23')).toBe('complaints:extend.errors.tooLate');
    expect(extensionRefusal(open, '2027-05-25')).toBe('complaints:extend.errors.notLater');
    expect(extensionRefusal({ ...open, extendedAt: '2027-05-10T10:00:00Z', status: 'extended' }, '2027-06-01')).toBe('complaints:extend.errors.already');
    expect(extensionRefusal({ ...open, status: 'answered' }, '2027-06-01')).toBe('complaints:extend.errors.notOpen');
  });

  it('counts business days left, the overdue flag and whether the answer came in time', () => {
    const c = { status: 'received' as const, dueOn: '2027-05-25', answeredOn: null, country: 'FR' as const };
    expect(deadlineView(c, '2027-05-20')).toMatchObject({ businessDaysLeft: 3, overdue: false, dueSoon: true }); // 21, 24, 25
    expect(deadlineView(c, '2027-05-14')).toMatchObject({ businessDaysLeft: 6, dueSoon: false }); // Whit Monday skipped
    expect(deadlineView(c, '2027-05-25')).toMatchObject({ businessDaysLeft: 0, overdue: false });
    expect(deadlineView(c, '2027-05-27')).toMatchObject({ overdue: true, businessDaysLate: 2, dueSoon: false });
    expect(deadlineView({ ...c, status: 'answered', answeredOn: '2027-05-25' }, '2027-06-01')).toMatchObject({
      overdue: false,
      businessDaysLeft: null,
      answeredOnTime: true,
    });
    expect(deadlineView({ ...c, status: 'answered', answeredOn: '2027-05-26' }, '2027-06-01').answeredOnTime).toBe(false);
  });

  it('follows the statuses: received → in progress → (extended) → answered → closed; dissatisfaction once, after an answer', () => {
    const base = { extendedAt: null, dissatisfiedAt: null };
    expect(allowedActions({ ...base, status: 'received' })).toEqual({ start: true, extend: true, answer: true, close: false, dissatisfied: false });
    expect(allowedActions({ ...base, status: 'extended', extendedAt: 'x' })).toEqual({
      start: false,
      extend: false,
      answer: true,
      close: false,
      dissatisfied: false,
    });
    expect(allowedActions({ ...base, status: 'answered' })).toEqual({ start: false, extend: false, answer: false, close: true, dissatisfied: true });
    expect(allowedActions({ ...base, status: 'closed', dissatisfiedAt: 'x' }).dissatisfied).toBe(false);
  });

  it('makes references like RC-XXXX-XXXX without look-alike characters', () => {
    const refs = new Set(Array.from({ length: 200 }, newComplaintReference));
    expect(refs.size).toBe(200);
    for (const r of refs) expect(r).toMatch(/^RC-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  });
});
