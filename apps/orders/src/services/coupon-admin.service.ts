import { Injectable } from '@nestjs/common';
import { cursorBeforeId, Page, toPage } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { AdminListCouponsQueryDto, CreateCouponDto, UpdateCouponDto } from '../dtos/coupon-requests.dto';
import { AdminCouponDto } from '../dtos/coupon.dto';
import { Coupon } from '../entities/coupon.entity';
import { CouponRepository, NewCoupon } from '../repositories/coupon.repository';

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field, message }]);
}

/** The terms of a coupon as they will be stored, checked as a whole: the kind's own field and only it, a window that ends after it starts. */
function terms(request: CreateCouponDto): Omit<NewCoupon, 'id'> {
  if (request.kind === 'amount' && request.amountFen === undefined) throw invalid('amountFen', 'amountFen is required for kind amount');
  if (request.kind === 'amount' && request.percentOff !== undefined) throw invalid('percentOff', 'percentOff is only for kind percent');
  if (request.kind === 'percent' && request.percentOff === undefined) throw invalid('percentOff', 'percentOff is required for kind percent');
  if (request.kind === 'percent' && request.amountFen !== undefined) throw invalid('amountFen', 'amountFen is only for kind amount');
  const [startsAt, endsAt] = [new Date(request.startsAt), new Date(request.endsAt)];
  if (endsAt <= startsAt) throw invalid('endsAt', 'endsAt must be after startsAt');
  return {
    name: request.name,
    kind: request.kind,
    amountFen: request.kind === 'amount' ? request.amountFen! : null,
    percentOff: request.kind === 'percent' ? request.percentOff! : null,
    minSpendFen: request.minSpendFen,
    total: request.total,
    perUserLimit: request.perUserLimit,
    startsAt,
    endsAt,
    productIds: request.productIds ?? [],
    categoryIds: request.categoryIds ?? [],
  };
}

/** The request of a coupon as it stands, so that a change is checked with the fields it leaves alone. */
function asRequest(coupon: Coupon): CreateCouponDto {
  return {
    name: coupon.name,
    kind: coupon.kind,
    ...(coupon.kind === 'amount' ? { amountFen: coupon.amountFen! } : { percentOff: coupon.percentOff! }),
    minSpendFen: coupon.minSpendFen,
    total: coupon.total,
    perUserLimit: coupon.perUserLimit,
    startsAt: coupon.startsAt.toISOString(),
    endsAt: coupon.endsAt.toISOString(),
    productIds: coupon.productIds,
    categoryIds: coupon.categoryIds,
  };
}

/** Staff's side of coupons: issue them, change them, list them with their claims. */
@Injectable()
export class CouponAdminService {
  constructor(private readonly coupons: CouponRepository) {}

  async create(request: CreateCouponDto): Promise<AdminCouponDto> {
    const id = newId();
    await this.coupons.insert({ id, ...terms(request) });
    return this.get(id);
  }

  async get(id: string): Promise<AdminCouponDto> {
    const coupon = await this.coupons.findById(id);
    if (!coupon) throw new AppError('COUPON_NOT_FOUND', 'No such coupon');
    return AdminCouponDto.fromCoupon(coupon);
  }

  /**
   * Changes a coupon; the result must be a valid coupon as a whole (a kind changed brings its own field). Copies
   * already claimed keep the new terms (they are read at use); `total` is never set below the copies claimed.
   */
  async update(id: string, request: UpdateCouponDto): Promise<AdminCouponDto> {
    const coupon = await this.coupons.findById(id);
    if (!coupon) throw new AppError('COUPON_NOT_FOUND', 'No such coupon');
    const current = asRequest(coupon);
    if (request.kind && request.kind !== coupon.kind) delete current[coupon.kind === 'amount' ? 'amountFen' : 'percentOff'];
    const given = Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));
    const outcome = await this.coupons.update(id, terms({ ...current, ...given }));
    if (outcome === 'missing') throw new AppError('COUPON_NOT_FOUND', 'No such coupon');
    if (outcome === 'below_claimed')
      throw new AppError('CONFLICT', 'More copies are already claimed than that total', [{ field: 'total', message: 'below the copies claimed' }]);
    return this.get(id);
  }

  async list(query: AdminListCouponsQueryDto): Promise<Page<AdminCouponDto>> {
    const rows = await this.coupons.list({ phase: query.phase, kind: query.kind, now: new Date(), beforeId: cursorBeforeId(query.cursor), limit: query.limit });
    return toPage(rows, query.limit, (coupon) => AdminCouponDto.fromCoupon(coupon));
  }
}
