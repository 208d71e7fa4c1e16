/** What staff fill in to open slots for a date range: each chosen day, back-to-back slots of one length in a window. */
export interface SlotPlanForm {
  /** First and last day, `YYYY-MM-DD`, in the browser's (the shop's) time zone; both included. */
  fromDate: string;
  toDate: string;
  /** The day's window, `HH:mm`; the last slot ends at or before `dayEnd`. */
  dayStart: string;
  dayEnd: string;
  slotMinutes: number;
  capacity: number;
  /** Days of the week to open (0 Sunday ... 6 Saturday). */
  weekdays: number[];
}

export interface SlotInput {
  startsAt: string;
  endsAt: string;
  capacity: number;
}

/** One `POST /api/appointments/admin/slots` of the plan: one day's slots. */
export interface SlotBatch {
  date: string;
  slots: SlotInput[];
}

/** `CreateSlotsDto.slots` takes at most this many. */
export const MAX_SLOTS_PER_REQUEST = 200;
/** A plan longer than this is more likely a typo than a plan. */
export const MAX_PLAN_DAYS = 92;

export type SlotPlanProblem = 'dateRange' | 'tooManyDays' | 'window' | 'slotMinutes' | 'capacity' | 'weekdays' | 'nothingInFuture';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function parseDate(text: string): Date | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return day.getDate() === Number(match[3]) ? day : null;
}

function minutesOf(text: string): number | null {
  const match = TIME.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function isoDate(day: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** Every day from `from` to `to` included, stepping by calendar day (a DST change does not skip or repeat one). */
function daysBetween(from: Date, to: Date): Date[] {
  const days: Date[] = [];
  for (let day = new Date(from); day <= to; day = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1)) days.push(day);
  return days;
}

/**
 * The requests that open the plan's slots: one per day that has slots, split in requests of
 * {@link MAX_SLOTS_PER_REQUEST} when a day has more. Slots starting at or before `now` are left out (the API takes
 * only future slots). Answers the first problem of the form instead when there is one.
 */
export function planSlotBatches(form: SlotPlanForm, now: Date): SlotBatch[] | SlotPlanProblem {
  const from = parseDate(form.fromDate);
  const to = parseDate(form.toDate);
  if (!from || !to || to < from) return 'dateRange';
  const days = daysBetween(from, to);
  if (days.length > MAX_PLAN_DAYS) return 'tooManyDays';
  const start = minutesOf(form.dayStart);
  const end = minutesOf(form.dayEnd);
  if (start === null || end === null || end <= start) return 'window';
  if (!Number.isInteger(form.slotMinutes) || form.slotMinutes < 5 || form.slotMinutes > end - start) return 'slotMinutes';
  if (!Number.isInteger(form.capacity) || form.capacity < 1 || form.capacity > 10_000) return 'capacity';
  if (form.weekdays.length === 0) return 'weekdays';

  const batches: SlotBatch[] = [];
  for (const day of days) {
    if (!form.weekdays.includes(day.getDay())) continue;
    const slots: SlotInput[] = [];
    for (let minute = start; minute + form.slotMinutes <= end; minute += form.slotMinutes) {
      const startsAt = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, minute);
      if (startsAt <= now) continue;
      const endsAt = new Date(day.getFullYear(), day.getMonth(), day.getDate(), 0, minute + form.slotMinutes);
      slots.push({ startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity: form.capacity });
    }
    for (let i = 0; i < slots.length; i += MAX_SLOTS_PER_REQUEST) batches.push({ date: isoDate(day), slots: slots.slice(i, i + MAX_SLOTS_PER_REQUEST) });
  }
  return batches.length > 0 ? batches : 'nothingInFuture';
}
