import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Roles } from '#libs/auth';
import { IdParamDto, Page } from '#libs/contracts';
import { AdminListCouponsQueryDto, CreateCouponDto, UpdateCouponDto } from '../dtos/coupon-requests.dto';
import { AdminCouponDto } from '../dtos/coupon.dto';
import { CouponAdminService } from '../services/coupon-admin.service';

@Roles('admin', 'staff')
@Controller('api/orders/admin/coupons')
export class CouponAdminController {
  constructor(private readonly admin: CouponAdminService) {}

  /** Issues a coupon: amount or percent off, minimum spend, copies in all and per user, window and scope. */
  @Post()
  create(@Body() body: CreateCouponDto): Promise<AdminCouponDto> {
    return this.admin.create(body);
  }

  /** Lists coupons, newest first, by phase (`scheduled`, `active`, `ended`) and kind, with their claims. */
  @Get()
  @ApiPageResponse(AdminCouponDto)
  list(@Query() query: AdminListCouponsQueryDto): Promise<Page<AdminCouponDto>> {
    return this.admin.list(query);
  }

  /** Shows a coupon with its total and the copies claimed. */
  @Get(':id')
  @ApiErrors('COUPON_NOT_FOUND')
  get(@Param() params: IdParamDto): Promise<AdminCouponDto> {
    return this.admin.get(params.id);
  }

  /** Changes a coupon's terms, window, scope or total (never below the copies claimed: 409 CONFLICT). */
  @Patch(':id')
  @ApiErrors('COUPON_NOT_FOUND', 'CONFLICT')
  update(@Param() params: IdParamDto, @Body() body: UpdateCouponDto): Promise<AdminCouponDto> {
    return this.admin.update(params.id, body);
  }
}
