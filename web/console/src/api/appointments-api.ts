import type { components } from '../../../../sdk/miniprogram/src/api-types';
import type { SlotBatch } from '../lib/slot-plan';
import type { Page } from './catalog-api';
import { api } from './http-client';

type Schemas = components['schemas'];

export type Resource = Schemas['ResourceDto'];
export type CreateResource = Schemas['CreateResourceDto'];
export type UpdateResource = Schemas['UpdateResourceDto'];
export type AdminSlot = Schemas['AdminSlotDto'];
export type Booking = Schemas['AppointmentDto'];

const admin = '/api/appointments/admin';

export const appointmentsApi = {
  resources: (cursor?: string | null) => api.get<Page<Resource>>(`${admin}/resources`, { limit: 100, cursor }),
  createResource: (body: CreateResource) => api.post<Resource>(`${admin}/resources`, body),
  updateResource: (id: string, body: UpdateResource) => api.patch<Resource>(`${admin}/resources/${id}`, body),
  slots: (resourceId: string, date: string) => api.get<Page<AdminSlot>>(`${admin}/slots`, { resourceId, date }),
  createSlots: (resourceId: string, batch: SlotBatch) => api.post<Page<AdminSlot>>(`${admin}/slots`, { resourceId, slots: batch.slots }),
  updateSlot: (id: string, body: Schemas['UpdateSlotDto']) => api.patch<AdminSlot>(`${admin}/slots/${id}`, body),
  bookings: (query: { date: string; resourceId?: string; status?: Booking['status']; cursor?: string | null }) =>
    api.get<Page<Booking>>(`${admin}/bookings`, { ...query, limit: 100 }),
  cancelBooking: (id: string) => api.post<Booking>(`${admin}/bookings/${id}/cancel`),
};
