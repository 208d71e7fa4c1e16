import type { LogisticsType, ShipOrder } from '../api/orders-api';

export interface ShipForm {
  logisticsType: LogisticsType;
  carrier: string;
  trackingNo: string;
}

/** Express needs its carrier and tracking number (the API and WeChat's shipping information both want them). */
export function shipProblem(form: ShipForm): 'carrierRequired' | 'trackingRequired' | null {
  if (form.logisticsType !== 'express') return null;
  if (form.carrier.trim() === '') return 'carrierRequired';
  return form.trackingNo.trim() === '' ? 'trackingRequired' : null;
}

/** The body of `POST /api/orders/admin/:id/ship`: the fields typed, trimmed; empty ones left out. */
export function shipBody(form: ShipForm): ShipOrder {
  const body: ShipOrder = { logisticsType: form.logisticsType };
  if (form.carrier.trim()) body.carrier = form.carrier.trim();
  if (form.trackingNo.trim()) body.trackingNo = form.trackingNo.trim();
  return body;
}
