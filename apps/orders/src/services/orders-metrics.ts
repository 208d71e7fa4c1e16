import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsRegistry } from '#libs/metrics';

/** The orders service's own series on /metrics: what placements, payments and repairs did. */
@Injectable()
export class OrdersMetrics {
  private readonly placed: Counter;
  private readonly refused: Counter<'code'>;
  private readonly cancelled: Counter<'reason'>;
  private readonly notifications: Counter<'outcome'>;
  private readonly repairs: Counter<'kind'>;

  constructor(metrics: MetricsRegistry) {
    this.placed = metrics.counter({ name: 'orders_placed_total', help: 'Orders placed (stock reserved)' });
    this.refused = metrics.counter({ name: 'order_placements_refused_total', help: 'Order placements that failed, by error code', labelNames: ['code'] });
    this.cancelled = metrics.counter({ name: 'orders_cancelled_total', help: 'Orders cancelled, by reason', labelNames: ['reason'] });
    this.notifications = metrics.counter({
      name: 'payment_notifications_total',
      help: 'WeChat Pay notifications, by outcome (refused ones included)',
      labelNames: ['outcome'],
    });
    this.repairs = metrics.counter({ name: 'order_repairs_total', help: 'What the sweeper repaired, by kind', labelNames: ['kind'] });
  }

  orderPlaced(): void {
    this.placed.inc();
  }

  placementRefused(code: string): void {
    this.refused.inc({ code });
  }

  orderCancelled(reason: string): void {
    this.cancelled.inc({ reason });
  }

  notification(outcome: string): void {
    this.notifications.inc({ outcome });
  }

  repaired(kind: string, count: number): void {
    if (count > 0) this.repairs.inc({ kind }, count);
  }
}
