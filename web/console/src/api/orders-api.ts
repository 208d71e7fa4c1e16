import type { components } from '../../../../sdk/miniprogram/src/api-types';
import type { Page } from './catalog-api';
import { api } from './http-client';
import type { Query } from './http-client';

type Schemas = components['schemas'];

export type OrderStatus = Schemas['AdminOrderDto']['status'];
export type LogisticsType = Schemas['OrderShipmentDto']['logisticsType'];
export type WechatSync = NonNullable<Schemas['OrderShipmentDto']['wechatSync']>;

/** The logistics types of `POST /api/orders/admin/:id/ship`, as WeChat's shipping information numbers them (1-4). */
export const LOGISTICS_TYPES: readonly LogisticsType[] = ['express', 'same_city', 'virtual', 'self_pickup'];
export const ORDER_STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled'];
export const WECHAT_SYNC_STATES: readonly WechatSync[] = ['pending', 'synced', 'failed', 'not_required'];

export type AdminOrder = Schemas['AdminOrderDto'];
/** What the ship, complete and refund routes answer: the order without the staff's fields (history, transaction id). */
export type OrderView = Schemas['OrderDto'];
export type AfterSale = Schemas['AfterSaleDto'];
export type AfterSaleStatus = AfterSale['status'];

export interface ShipOrder {
  logisticsType: LogisticsType;
  carrier?: string;
  trackingNo?: string;
}

export interface OrderQuery extends Query {
  status?: OrderStatus;
  orderNo?: string;
  createdFrom?: string;
  createdTo?: string;
  wechatSync?: WechatSync;
  cursor?: string | null;
  limit?: number;
}

const admin = '/api/orders/admin';

/**
 * Every order the filter matches, read page after page (100 a page) as the list route gives them; `onPage` hears how
 * many were read so far. There is no cap: the CSV export must hold every order it says it holds.
 */
export async function readEveryOrder(query: OrderQuery, onPage: (read: number) => void, signal?: AbortSignal): Promise<AdminOrder[]> {
  const orders: AdminOrder[] = [];
  let cursor: string | null = null;
  do {
    if (signal?.aborted) throw new DOMException('export cancelled', 'AbortError');
    const page: Page<AdminOrder> = await api.get<Page<AdminOrder>>(admin, { ...query, limit: 100, cursor });
    orders.push(...page.items);
    onPage(orders.length);
    cursor = page.nextCursor;
  } while (cursor);
  return orders;
}

export const ordersApi = {
  list: (query: OrderQuery) => api.get<Page<AdminOrder>>(admin, query),
  get: (id: string) => api.get<AdminOrder>(`${admin}/${id}`),
  ship: (id: string, body: ShipOrder) => api.post<OrderView>(`${admin}/${id}/ship`, body),
  complete: (id: string) => api.post<OrderView>(`${admin}/${id}/complete`),
  refund: (id: string, reason?: string) => api.post<OrderView>(`${admin}/${id}/refund`, reason ? { reason } : {}),
  afterSales: (query: { status?: AfterSaleStatus; cursor?: string | null }) => api.get<Page<AfterSale>>(`${admin}/after-sales`, { ...query, limit: 20 }),
  approveAfterSale: (id: string, refundFen?: number) => api.post<AfterSale>(`${admin}/after-sales/${id}/approve`, refundFen === undefined ? {} : { refundFen }),
  rejectAfterSale: (id: string, reason: string) => api.post<AfterSale>(`${admin}/after-sales/${id}/reject`, { reason }),
};
