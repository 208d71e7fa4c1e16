import { Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Authenticated, CurrentUserId, Public } from '#libs/auth';
import { IdParamDto, Page, PageQueryDto } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { ListMyCouponsQueryDto } from '../dtos/coupon-requests.dto';
import { CouponDto, UserCouponDto } from '../dtos/coupon.dto';
import { CouponClaimService } from '../services/coupon-claim.service';

@Controller('api/coupons')
export class CouponController {
  constructor(private readonly claims: CouponClaimService) {}

  /** Lists the coupons that can be claimed now, newest first, with how many copies are left. */
  @Public()
  @Get()
  @ApiPageResponse(CouponDto)
  list(@Query() query: PageQueryDto): Promise<Page<CouponDto>> {
    return this.claims.listClaimable(query);
  }

  /** Lists the caller's coupons, newest first: `unused`, `used` (held by an order) or `expired`. */
  @Authenticated({ users: true })
  @Get('mine')
  @ApiPageResponse(UserCouponDto)
  mine(@CurrentUserId() userId: string, @Query() query: ListMyCouponsQueryDto): Promise<Page<UserCouponDto>> {
    return this.claims.listMine(userId, query);
  }

  /** Claims a copy of a coupon for the caller: never more than its total across everyone, nor its per-user limit each. */
  @Authenticated({ users: true })
  @Idempotent()
  @Post(':id/claim')
  @ApiErrors('COUPON_NOT_FOUND', 'COUPON_NOT_CLAIMABLE', 'COUPON_EXHAUSTED', 'COUPON_LIMIT_REACHED')
  claim(@CurrentUserId() userId: string, @Param() params: IdParamDto, @Headers('idempotency-key') _key?: string): Promise<UserCouponDto> {
    return this.claims.claim(userId, params.id);
  }
}
