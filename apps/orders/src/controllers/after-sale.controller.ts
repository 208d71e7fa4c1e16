import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Authenticated, CurrentUserId } from '#libs/auth';
import { IdParamDto, Page, PageQueryDto } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { AfterSaleParamsDto, CreateAfterSaleDto } from '../dtos/after-sale-requests.dto';
import { AfterSaleDto } from '../dtos/after-sale.dto';
import { AfterSaleRequestService } from '../services/after-sale-request.service';

@Authenticated({ users: true })
@Controller('api/orders/:id/after-sales')
export class AfterSaleController {
  constructor(private readonly requests: AfterSaleRequestService) {}

  /** Asks for a refund of the caller's paid, shipped or recently completed order (one open request per order). */
  @Idempotent()
  @Post()
  @ApiErrors(
    'ORDER_NOT_FOUND',
    'ORDER_STATE_CONFLICT',
    'AFTER_SALE_OPEN',
    'AFTER_SALE_WINDOW_CLOSED',
    'REFUND_EXCEEDS_REFUNDABLE',
    'UPLOAD_NOT_FOUND',
    'CONTENT_REJECTED',
    'WECHAT_UNAVAILABLE',
  )
  create(
    @CurrentUserId() userId: string,
    @Param() params: IdParamDto,
    @Body() body: CreateAfterSaleDto,
    @Headers('idempotency-key') _key?: string,
  ): Promise<AfterSaleDto> {
    return this.requests.request(userId, params.id, body);
  }

  /** Lists the after-sale requests of the caller's order, newest first. */
  @Get()
  @ApiPageResponse(AfterSaleDto)
  @ApiErrors('ORDER_NOT_FOUND')
  list(@CurrentUserId() userId: string, @Param() params: IdParamDto, @Query() query: PageQueryDto): Promise<Page<AfterSaleDto>> {
    return this.requests.listOfOrder(userId, params.id, query);
  }

  /** Withdraws the caller's request that staff have not decided yet. */
  @Post(':requestId/withdraw')
  @HttpCode(200)
  @ApiErrors('AFTER_SALE_NOT_FOUND', 'AFTER_SALE_STATE_CONFLICT')
  withdraw(@CurrentUserId() userId: string, @Param() params: AfterSaleParamsDto): Promise<AfterSaleDto> {
    return this.requests.withdraw(userId, params.id, params.requestId);
  }
}
