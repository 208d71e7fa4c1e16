import type { components } from '../../../../sdk/miniprogram/src/api-types';
import type { Page } from './catalog-api';
import { api } from './http-client';

type Schemas = components['schemas'];

export type AdminCoupon = Schemas['AdminCouponDto'];
export type CouponPhase = 'scheduled' | 'active' | 'ended';

const admin = '/api/orders/admin/coupons';

export const couponsApi = {
  list: (query: { phase?: CouponPhase; cursor?: string | null }) => api.get<Page<AdminCoupon>>(admin, { ...query, limit: 20 }),
  create: (body: Schemas['CreateCouponDto']) => api.post<AdminCoupon>(admin, body),
  update: (id: string, body: Schemas['UpdateCouponDto']) => api.patch<AdminCoupon>(`${admin}/${id}`, body),
};
