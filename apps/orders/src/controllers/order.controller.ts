import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Authenticated, CurrentPrincipal, CurrentUserId } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { IdParamDto, Page } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { CreateOrderDto } from '../dtos/create-order.dto';
import { ListOrdersQueryDto } from '../dtos/list-orders-query.dto';
import { OrderDto } from '../dtos/order.dto';
import { RequestPaymentParamsDto } from '../dtos/request-payment-params.dto';
import { OrderLifecycleService } from '../services/order-lifecycle.service';
import { OrderPlacementService } from '../services/order-placement.service';
import { OrderQueriesService } from '../services/order-queries.service';
import { PaymentStartService } from '../services/payment-start.service';

@Controller('api/orders')
export class OrderController {
  constructor(
    private readonly placement: OrderPlacementService,
    private readonly queries: OrderQueriesService,
    private readonly lifecycle: OrderLifecycleService,
    private readonly payments: PaymentStartService,
  ) {}

  /** Places an order at the catalog's current prices, reserving its stock; it waits for payment until `expiresAt`. */
  @Authenticated({ users: true })
  @Idempotent()
  @Post()
  @ApiErrors(
    'SKU_NOT_FOUND',
    'SKU_NOT_ON_SALE',
    'INSUFFICIENT_STOCK',
    'ADDRESS_NOT_FOUND',
    'COUPON_NOT_FOUND',
    'COUPON_ALREADY_USED',
    'COUPON_NOT_USABLE',
    'COUPON_NOT_APPLICABLE',
    'CONTENT_REJECTED',
    'WECHAT_UNAVAILABLE',
  )
  create(@CurrentUserId() userId: string, @Body() body: CreateOrderDto, @Headers('idempotency-key') key?: string): Promise<OrderDto> {
    return this.placement.place(userId, body, key);
  }

  /** Lists the caller's orders, newest first (staff: everyone's). */
  @Get()
  @ApiPageResponse(OrderDto)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListOrdersQueryDto): Promise<Page<OrderDto>> {
    return this.queries.list(principal, query);
  }

  /** Shows one of the caller's orders (another user's is 404; staff see any). */
  @Get(':id')
  @ApiErrors('ORDER_NOT_FOUND')
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<OrderDto> {
    return this.queries.get(principal, params.id);
  }

  /** Cancels the caller's unpaid or paid order: its stock goes back, and a paid one is refunded. */
  @Authenticated({ users: true })
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiErrors('ORDER_NOT_FOUND', 'ORDER_STATE_CONFLICT')
  cancel(@CurrentUserId() userId: string, @Param() params: IdParamDto): Promise<OrderDto> {
    return this.lifecycle.cancelByOwner(userId, params.id);
  }

  /** Opens the WeChat Pay payment of the caller's unpaid order: the signed parameters to pass to `wx.requestPayment`. */
  @Authenticated({ users: true })
  @Idempotent()
  @Post(':id/pay')
  @HttpCode(200)
  @ApiErrors('ORDER_NOT_FOUND', 'ORDER_STATE_CONFLICT', 'USER_NOT_FOUND', 'PAYMENT_UNAVAILABLE')
  pay(@CurrentUserId() userId: string, @Param() params: IdParamDto): Promise<RequestPaymentParamsDto> {
    return this.payments.prepare(userId, params.id);
  }
}
