import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, userIdOf } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { IdParamDto, Page } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { CreateOrderDto } from '../dtos/create-order.dto';
import { ListOrdersQueryDto } from '../dtos/list-orders-query.dto';
import { OrderDto } from '../dtos/order.dto';
import { RequestPaymentParams } from '../helpers/wechat-pay-crypto';
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

  @Idempotent()
  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateOrderDto, @Headers('idempotency-key') key?: string): Promise<OrderDto> {
    return this.placement.place(userIdOf(principal), body, key);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListOrdersQueryDto): Promise<Page<OrderDto>> {
    return this.queries.list(principal, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<OrderDto> {
    return this.queries.get(principal, params.id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<OrderDto> {
    return this.lifecycle.cancelByOwner(userIdOf(principal), params.id);
  }

  @Idempotent()
  @Post(':id/pay')
  @HttpCode(200)
  pay(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<RequestPaymentParams> {
    return this.payments.prepare(userIdOf(principal), params.id);
  }
}
