import type { components } from '../../../../sdk/miniprogram/src/api-types';
import type { Page } from './catalog-api';
import { api } from './http-client';

type Schemas = components['schemas'];

export type StaffAccount = Schemas['StaffAccountDto'];
export type CreateStaff = Schemas['CreateStaffDto'];

const admin = '/api/auth/admin/staff';

/** Staff accounts (admin only; the API answers 403 to anyone else). */
export const staffApi = {
  list: () => api.get<Page<StaffAccount>>(admin),
  create: (body: CreateStaff) => api.post<StaffAccount>(admin, body),
  disable: (id: string) => api.delete(`${admin}/${id}`),
  /** Sets a new password and signs the account out everywhere (`POST /api/auth/admin/staff/:id/password`). */
  resetPassword: (id: string, password: string) => api.post<void>(`${admin}/${id}/password`, { password }),
};
