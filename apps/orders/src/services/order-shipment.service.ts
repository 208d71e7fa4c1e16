import { Injectable } from '@nestjs/common';
import { OrderDto } from '../dtos/order.dto';
import { ShipOrderDto } from '../dtos/ship-order.dto';
import { ShippingUploadWorker } from '../jobs/shipping-upload.worker';
import { ShippingUploadRepository } from '../repositories/shipping-upload.repository';
import { OrderEventsPublisher } from './order-events.publisher';
import { OrderQueriesService } from './order-queries.service';
import { OrderTransitionsService } from './order-transitions.service';
import { paidWithWechatPay } from './shipping-info';

/**
 * Staff ship a paid order. The shipment and, for an order paid with WeChat Pay, its shipping information upload
 * (an outbox row) commit together: an upload is never lost and never made for a ship that did not happen.
 */
@Injectable()
export class OrderShipmentService {
  constructor(
    private readonly transitions: OrderTransitionsService,
    private readonly queries: OrderQueriesService,
    private readonly uploads: ShippingUploadRepository,
    private readonly worker: ShippingUploadWorker,
    private readonly events: OrderEventsPublisher,
  ) {}

  async ship(staffId: string, orderId: string, request: ShipOrderDto): Promise<OrderDto> {
    const result = await this.transitions.apply(orderId, { kind: 'staff', id: staffId }, (order) => {
      const upload = paidWithWechatPay(order);
      return {
        to: 'shipped',
        reason: 'staff_ship',
        changes: {
          logisticsType: request.logisticsType ?? 'express',
          carrier: request.carrier ?? null,
          trackingNo: request.trackingNo ?? null,
          wechatSync: upload ? 'pending' : 'not_required',
        },
        alsoInTransaction: upload ? (manager) => this.uploads.insert(manager, orderId) : undefined,
      };
    });
    if (result.after.wechatSync === 'pending') this.worker.kick();
    await this.events.orderShipped(orderId);
    return this.queries.view(orderId);
  }
}
