import type { components } from '../../../../sdk/miniprogram/src/api-types';
import { formatYuan, parseYuan } from './money';

type CreateCoupon = components['schemas']['CreateCouponDto'];
type AdminCoupon = components['schemas']['AdminCouponDto'];

/** The coupon form as staff type it: amounts in yuan, dates as the date pickers give them. */
export interface CouponForm {
  name: string;
  kind: 'amount' | 'percent';
  amountYuan: string;
  percentOff: number | null;
  minSpendYuan: string;
  total: number | null;
  perUserLimit: number | null;
  startsAt: Date | null;
  endsAt: Date | null;
}

export type CouponField = 'name' | 'amountYuan' | 'percentOff' | 'minSpendYuan' | 'total' | 'perUserLimit' | 'startsAt' | 'endsAt';

/** `CreateCouponDto`'s limits. */
const MAX_FEN = 2_000_000_000;
const MAX_TOTAL = 10_000_000;
const MAX_PER_USER = 100;

export function emptyCouponForm(now: Date): CouponForm {
  return { name: '', kind: 'amount', amountYuan: '', percentOff: null, minSpendYuan: '0', total: 100, perUserLimit: 1, startsAt: now, endsAt: null };
}

export function couponFormOf(coupon: AdminCoupon): CouponForm {
  return {
    name: coupon.name,
    kind: coupon.kind,
    amountYuan: coupon.amountFen === null ? '' : formatYuan(coupon.amountFen),
    percentOff: coupon.percentOff,
    minSpendYuan: formatYuan(coupon.minSpendFen),
    total: coupon.total,
    perUserLimit: coupon.perUserLimit,
    startsAt: new Date(coupon.startsAt),
    endsAt: new Date(coupon.endsAt),
  };
}

const inRange = (value: number | null, min: number, max: number) => value !== null && Number.isInteger(value) && value >= min && value <= max;

/** The problem of one field (an i18n key under `coupons.problems.`), or null; the form shows it under the field. */
export function couponFieldProblem(form: CouponForm, field: CouponField): string | null {
  switch (field) {
    case 'name':
      return form.name.trim() === '' ? 'nameRequired' : form.name.trim().length > 64 ? 'nameTooLong' : null;
    case 'amountYuan': {
      if (form.kind !== 'amount') return null;
      const fen = parseYuan(form.amountYuan);
      return fen === null || fen < 1 || fen > MAX_FEN ? 'amountInvalid' : null;
    }
    case 'percentOff':
      return form.kind === 'percent' && !inRange(form.percentOff, 1, 99) ? 'percentInvalid' : null;
    case 'minSpendYuan': {
      const fen = parseYuan(form.minSpendYuan === '' ? '0' : form.minSpendYuan);
      return fen === null || fen > MAX_FEN ? 'minSpendInvalid' : null;
    }
    case 'total':
      return inRange(form.total, 1, MAX_TOTAL) ? null : 'totalInvalid';
    case 'perUserLimit':
      return inRange(form.perUserLimit, 1, MAX_PER_USER) ? null : 'perUserInvalid';
    case 'startsAt':
      return form.startsAt ? null : 'startsRequired';
    case 'endsAt':
      if (!form.endsAt) return 'endsRequired';
      return form.startsAt && form.endsAt <= form.startsAt ? 'endsBeforeStart' : null;
  }
}

export const COUPON_FIELDS: CouponField[] = ['name', 'amountYuan', 'percentOff', 'minSpendYuan', 'total', 'perUserLimit', 'startsAt', 'endsAt'];

/**
 * The body of `POST /api/orders/admin/coupons` (or of the PATCH) from a valid form: fen from the yuan typed, only the
 * field of the coupon's kind. Null while any field has a problem.
 */
export function couponBody(form: CouponForm): CreateCoupon | null {
  if (COUPON_FIELDS.some((field) => couponFieldProblem(form, field) !== null)) return null;
  const body: CreateCoupon = {
    name: form.name.trim(),
    kind: form.kind,
    minSpendFen: parseYuan(form.minSpendYuan === '' ? '0' : form.minSpendYuan) ?? 0,
    total: form.total ?? 0,
    perUserLimit: form.perUserLimit ?? 1,
    startsAt: (form.startsAt as Date).toISOString(),
    endsAt: (form.endsAt as Date).toISOString(),
  };
  if (form.kind === 'amount') body.amountFen = parseYuan(form.amountYuan) ?? 0;
  else body.percentOff = form.percentOff ?? 0;
  return body;
}
