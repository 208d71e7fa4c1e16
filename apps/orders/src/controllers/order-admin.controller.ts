import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Roles } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { IdParamDto, Page } from '#libs/contracts';
import { AdminListOrdersQueryDto } from '../dtos/list-orders-query.dto';
import { AdminOrderDto, OrderDto } from '../dtos/order.dto';
import { RefundOrderDto, ShipOrderDto } from '../dtos/ship-order.dto';
import { OrderLifecycleService } from '../services/order-lifecycle.service';
import { OrderQueriesService } from '../services/order-queries.service';

@Roles('admin', 'staff')
@Controller('api/orders/admin')
export class OrderAdminController {
  constructor(
    private readonly queries: OrderQueriesService,
    private readonly lifecycle: OrderLifecycleService,
  ) {}

  @Get()
  list(@Query() query: AdminListOrdersQueryDto): Promise<Page<OrderDto>> {
    return this.queries.adminList(query);
  }

  @Get(':id')
  get(@Param() params: IdParamDto): Promise<AdminOrderDto> {
    return this.queries.adminGet(params.id);
  }

  @Post(':id/ship')
  @HttpCode(200)
  ship(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto, @Body() body: ShipOrderDto): Promise<OrderDto> {
    return this.lifecycle.ship(principal.id, params.id, body);
  }

  @Post(':id/complete')
  @HttpCode(200)
  complete(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<OrderDto> {
    return this.lifecycle.complete(principal.id, params.id);
  }

  @Post(':id/refund')
  @HttpCode(200)
  refund(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto, @Body() body: RefundOrderDto): Promise<OrderDto> {
    return this.lifecycle.refundByStaff(principal.id, params.id, body);
  }
}
