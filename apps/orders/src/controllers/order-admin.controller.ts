import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { CurrentPrincipal, Roles } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { IdParamDto, Page } from '#libs/contracts';
import { AdminListOrdersQueryDto } from '../dtos/list-orders-query.dto';
import { AdminOrderDto, OrderDto } from '../dtos/order.dto';
import { RefundOrderDto, ShipOrderDto } from '../dtos/ship-order.dto';
import { OrderLifecycleService } from '../services/order-lifecycle.service';
import { OrderShipmentService } from '../services/order-shipment.service';
import { OrderQueriesService } from '../services/order-queries.service';

@Roles('admin', 'staff')
@Controller('api/orders/admin')
export class OrderAdminController {
  constructor(
    private readonly queries: OrderQueriesService,
    private readonly lifecycle: OrderLifecycleService,
    private readonly shipments: OrderShipmentService,
  ) {}

  /** Lists everyone's orders, newest first, filtered by user, status, order number or creation time. */
  @Get()
  @ApiPageResponse(OrderDto)
  list(@Query() query: AdminListOrdersQueryDto): Promise<Page<OrderDto>> {
    return this.queries.adminList(query);
  }

  /** Shows an order with its stock state, WeChat Pay transaction and full history. */
  @Get(':id')
  @ApiErrors('ORDER_NOT_FOUND')
  get(@Param() params: IdParamDto): Promise<AdminOrderDto> {
    return this.queries.adminGet(params.id);
  }

  /**
   * Marks a paid order shipped (express with its carrier and tracking number, same-city delivery, virtual goods or
   * self pickup); an order paid with WeChat Pay then has its shipping information uploaded to WeChat (`shipment.wechatSync`).
   */
  @Post(':id/ship')
  @HttpCode(200)
  @ApiErrors('ORDER_NOT_FOUND', 'ORDER_STATE_CONFLICT')
  ship(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto, @Body() body: ShipOrderDto): Promise<OrderDto> {
    return this.shipments.ship(principal.id, params.id, body);
  }

  /** Marks a shipped order completed. */
  @Post(':id/complete')
  @HttpCode(200)
  @ApiErrors('ORDER_NOT_FOUND', 'ORDER_STATE_CONFLICT')
  complete(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<OrderDto> {
    return this.lifecycle.complete(principal.id, params.id);
  }

  /** Cancels a paid order and refunds it through WeChat Pay, or sends again a refund WeChat Pay refused. */
  @Post(':id/refund')
  @HttpCode(200)
  @ApiErrors('ORDER_NOT_FOUND', 'ORDER_STATE_CONFLICT')
  refund(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto, @Body() body: RefundOrderDto): Promise<OrderDto> {
    return this.lifecycle.refundByStaff(principal.id, params.id, body);
  }
}
