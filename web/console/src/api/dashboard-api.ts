import type { components } from '../../../../sdk/miniprogram/src/api-types';
import type { Page } from './catalog-api';
import { api } from './http-client';
import type { Query } from './http-client';

type AdminOrder = components['schemas']['AdminOrderDto'];
type Booking = components['schemas']['AppointmentDto'];

/** Pages read at most for one figure (100 rows each); past that the figure says it is partial. */
export const MAX_PAGES = 10;

export interface Tally<T> {
  rows: T[];
  /** More rows exist than were read. */
  partial: boolean;
}

/** Every row of a list route (up to {@link MAX_PAGES} pages of 100): the dashboard's figures come from the list routes. */
export async function readAll<T>(path: string, query: Query): Promise<Tally<T>> {
  const rows: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer: Page<T> = await api.get<Page<T>>(path, { ...query, limit: 100, cursor });
    rows.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) return { rows, partial: false };
  }
  return { rows, partial: true };
}

export const dashboardApi = {
  ordersSince: (since: Date) => readAll<AdminOrder>('/api/orders/admin', { createdFrom: since.toISOString() }),
  ordersToShip: () => readAll<AdminOrder>('/api/orders/admin', { status: 'paid' }),
  /** Orders whose shipping information WeChat refused for good or every retry failed: WeChat holds their money. */
  shippingSyncFailures: () => readAll<AdminOrder>('/api/orders/admin', { wechatSync: 'failed' }),
  bookingsOn: (date: string) => readAll<Booking>('/api/appointments/admin/bookings', { date, status: 'booked' }),
};

/** Paid revenue of `orders` in fen: orders paid and not cancelled (shipped and completed ones were paid too). */
export function paidRevenueFen(orders: Pick<AdminOrder, 'status' | 'totalFen' | 'paidAt'>[]): number {
  return orders.filter((order) => order.paidAt && order.status !== 'cancelled').reduce((sum, order) => sum + order.totalFen, 0);
}

/** `YYYY-MM-DD` of `day` in the browser's time zone (the shop's calendar). */
export function localDate(day: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

export function startOfLocalDay(day: Date): Date {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate());
}
