import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Coupon, CouponKind } from '../entities/coupon.entity';

/** The fields staff set; `claimed` starts at 0. */
export type NewCoupon = Omit<Coupon, 'claimed' | 'createdAt' | 'updatedAt'>;

/** Where a coupon's window stands at an instant. */
export type CouponPhase = 'scheduled' | 'active' | 'ended';

/** Filters of staff's coupon list. */
export interface CouponFilter {
  phase?: CouponPhase;
  kind?: CouponKind;
  now: Date;
  beforeId?: string;
  limit: number;
}

/** Storage of coupons. `claimed` changes only in UserCouponRepository.claim's transaction. */
@Injectable()
export class CouponRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get coupons() {
    return this.dataSource.getRepository(Coupon);
  }

  async insert(coupon: NewCoupon): Promise<void> {
    await this.coupons.insert({ ...coupon, claimed: 0 });
  }

  findById(id: string): Promise<Coupon | null> {
    return this.coupons.findOneBy({ id });
  }

  /** Changes a coupon; a `total` below the copies already claimed is refused ('below_claimed'). */
  async update(id: string, changes: Partial<NewCoupon>): Promise<'updated' | 'missing' | 'below_claimed'> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (!entries.length) return (await this.coupons.countBy({ id })) ? 'updated' : 'missing';
    const query = this.coupons.createQueryBuilder().update(Coupon).set(Object.fromEntries(entries)).where('id = :id', { id });
    if (changes.total !== undefined) query.andWhere('claimed <= :total', { total: changes.total });
    if ((await query.execute()).affected === 1) return 'updated';
    return (await this.coupons.countBy({ id })) ? 'below_claimed' : 'missing';
  }

  /** Coupons claimable at `now` (in their window, copies left), newest first; `limit + 1` rows. */
  listClaimable(now: Date, beforeId: string | undefined, limit: number): Promise<Coupon[]> {
    const query = this.coupons
      .createQueryBuilder('c')
      .where('c.starts_at <= :now AND c.ends_at > :now AND c.claimed < c.total', { now })
      .orderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (beforeId) query.andWhere('c.id < :beforeId', { beforeId });
    return query.getMany();
  }

  /** Staff's list, newest first, by phase of the window and kind; `limit + 1` rows. */
  list(filter: CouponFilter): Promise<Coupon[]> {
    const query = this.coupons
      .createQueryBuilder('c')
      .orderBy('c.id', 'DESC')
      .limit(filter.limit + 1);
    if (filter.phase === 'scheduled') query.andWhere('c.starts_at > :now', { now: filter.now });
    if (filter.phase === 'active') query.andWhere('c.starts_at <= :now AND c.ends_at > :now', { now: filter.now });
    if (filter.phase === 'ended') query.andWhere('c.ends_at <= :now', { now: filter.now });
    if (filter.kind) query.andWhere('c.kind = :kind', { kind: filter.kind });
    if (filter.beforeId) query.andWhere('c.id < :beforeId', { beforeId: filter.beforeId });
    return query.getMany();
  }
}
