import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { CurrentPrincipal, Roles } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { Page } from '#libs/contracts';
import { AfterSaleRequestIdParamDto, ApproveAfterSaleDto, ListAfterSalesQueryDto, RejectAfterSaleDto } from '../dtos/after-sale-requests.dto';
import { AfterSaleDto } from '../dtos/after-sale.dto';
import { AfterSaleReviewService } from '../services/after-sale-review.service';

@Roles('admin', 'staff')
@Controller('api/orders/admin/after-sales')
export class AfterSaleAdminController {
  constructor(private readonly review: AfterSaleReviewService) {}

  /** Lists every after-sale request, newest first, optionally of one status. */
  @Get()
  @ApiPageResponse(AfterSaleDto)
  list(@Query() query: ListAfterSalesQueryDto): Promise<Page<AfterSaleDto>> {
    return this.review.list(query);
  }

  /** Approves a requested refund (optionally of a lower amount) and refunds it through WeChat Pay. */
  @Post(':requestId/approve')
  @HttpCode(200)
  @ApiErrors('AFTER_SALE_NOT_FOUND', 'AFTER_SALE_STATE_CONFLICT', 'ORDER_STATE_CONFLICT', 'REFUND_EXCEEDS_REFUNDABLE', 'PAYMENT_UNAVAILABLE')
  approve(@CurrentPrincipal() principal: Principal, @Param() params: AfterSaleRequestIdParamDto, @Body() body: ApproveAfterSaleDto): Promise<AfterSaleDto> {
    return this.review.approve(principal.id, params.requestId, body);
  }

  /** Rejects a requested refund, with the reason shown to the user. */
  @Post(':requestId/reject')
  @HttpCode(200)
  @ApiErrors('AFTER_SALE_NOT_FOUND', 'AFTER_SALE_STATE_CONFLICT')
  reject(@CurrentPrincipal() principal: Principal, @Param() params: AfterSaleRequestIdParamDto, @Body() body: RejectAfterSaleDto): Promise<AfterSaleDto> {
    return this.review.reject(principal.id, params.requestId, body);
  }
}
