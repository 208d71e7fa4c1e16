import { MAX_SLOTS_PER_REQUEST, planSlotBatches } from './slot-plan';
import type { SlotBatch, SlotPlanForm } from './slot-plan';

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const form = (overrides: Partial<SlotPlanForm> = {}): SlotPlanForm => ({
  fromDate: '2030-03-04',
  toDate: '2030-03-06',
  dayStart: '09:00',
  dayEnd: '12:00',
  slotMinutes: 60,
  capacity: 3,
  weekdays: EVERY_DAY,
  ...overrides,
});
const before = new Date(2030, 0, 1);

function batches(overrides: Partial<SlotPlanForm>, now = before): SlotBatch[] {
  const plan = planSlotBatches(form(overrides), now);
  if (typeof plan === 'string') throw new Error(`unexpected problem ${plan}`);
  return plan;
}

describe('slot plan: a date range becomes one slot request per day', () => {
  it('opens back-to-back slots in each day of the range, both ends included', () => {
    const plan = batches({});
    expect(plan.map((batch) => batch.date)).toEqual(['2030-03-04', '2030-03-05', '2030-03-06']);
    expect(plan[0].slots).toEqual([
      { startsAt: new Date(2030, 2, 4, 9).toISOString(), endsAt: new Date(2030, 2, 4, 10).toISOString(), capacity: 3 },
      { startsAt: new Date(2030, 2, 4, 10).toISOString(), endsAt: new Date(2030, 2, 4, 11).toISOString(), capacity: 3 },
      { startsAt: new Date(2030, 2, 4, 11).toISOString(), endsAt: new Date(2030, 2, 4, 12).toISOString(), capacity: 3 },
    ]);
  });

  it('leaves out a slot that would end after the window', () => {
    const plan = batches({ fromDate: '2030-03-04', toDate: '2030-03-04', dayEnd: '11:30' });
    expect(plan[0].slots).toHaveLength(2);
  });

  it('keeps only the chosen weekdays', () => {
    // 2030-03-04 is a Monday.
    const plan = batches({ fromDate: '2030-03-04', toDate: '2030-03-10', weekdays: [6, 0] });
    expect(plan.map((batch) => batch.date)).toEqual(['2030-03-09', '2030-03-10']);
  });

  it('skips the slots already started and the days already past', () => {
    const now = new Date(2030, 2, 5, 10, 30);
    const plan = batches({}, now);
    expect(plan.map((batch) => batch.date)).toEqual(['2030-03-05', '2030-03-06']);
    expect(plan[0].slots.map((slot) => new Date(slot.startsAt).getHours())).toEqual([11]);
  });

  it('splits a day with more slots than one request takes', () => {
    const plan = batches({ fromDate: '2030-03-04', toDate: '2030-03-04', dayStart: '00:00', dayEnd: '23:55', slotMinutes: 5 });
    expect(plan.map((batch) => batch.slots.length)).toEqual([MAX_SLOTS_PER_REQUEST, 287 - MAX_SLOTS_PER_REQUEST]);
    expect(new Set(plan.flatMap((batch) => batch.slots.map((slot) => slot.startsAt))).size).toBe(287);
  });

  it('crosses a month end day by day', () => {
    expect(batches({ fromDate: '2030-02-27', toDate: '2030-03-02' }).map((batch) => batch.date)).toEqual([
      '2030-02-27',
      '2030-02-28',
      '2030-03-01',
      '2030-03-02',
    ]);
  });

  it.each<[Partial<SlotPlanForm>, string]>([
    [{ toDate: '2030-03-03' }, 'dateRange'],
    [{ fromDate: '2030-02-30' }, 'dateRange'],
    [{ fromDate: '' }, 'dateRange'],
    [{ toDate: '2030-12-31' }, 'tooManyDays'],
    [{ dayEnd: '09:00' }, 'window'],
    [{ dayStart: '25:00' }, 'window'],
    [{ slotMinutes: 0 }, 'slotMinutes'],
    [{ slotMinutes: 181 }, 'slotMinutes'],
    [{ slotMinutes: 7.5 }, 'slotMinutes'],
    [{ capacity: 0 }, 'capacity'],
    [{ weekdays: [] }, 'weekdays'],
    [{ weekdays: [0] }, 'nothingInFuture'],
  ])('answers the problem of %j: %s', (overrides, problem) => {
    // 2030-03-04..06 are Monday to Wednesday: no Sunday in the range.
    expect(planSlotBatches(form(overrides), before)).toBe(problem);
  });

  it('answers nothingInFuture when the whole range is past', () => {
    expect(planSlotBatches(form(), new Date(2030, 2, 7))).toBe('nothingInFuture');
  });
});
