/** The shipping information WeChat holds for one payment, as `get_order` shows it. */
export interface ShippingRecord {
  transactionId: string;
  /** 1 waiting for shipment, 2 shipped, 3 receipt confirmed (get_order's `order_state`). */
  orderState: 1 | 2 | 3;
  deliveryMode: number;
  logisticsType: number;
  shippingList: { tracking_no?: string; express_company?: string; item_desc: string; contact?: unknown }[];
  uploadTime: string;
  /** Uploads that completed a shipment: 1 after the first, 2 after the one re-shipment WeChat allows. */
  finishShippingCount: number;
  confirmedAt?: number;
}

/**
 * A sandbox-only switch for the next `count` uploads: `errcode` refuses them, `holdMs` accepts them but answers that
 * late, both refuse them that late (and record nothing).
 */
export interface ShippingFault {
  count: number;
  errcode?: number;
  holdMs?: number;
}

/** The shipping information uploaded for each payment, and the faults switched on for the next uploads. */
export class ShippingState {
  private readonly records = new Map<string, ShippingRecord>();
  private faults: ShippingFault[] = [];

  find(transactionId: string): ShippingRecord | undefined {
    return this.records.get(transactionId);
  }

  save(record: ShippingRecord): void {
    this.records.set(record.transactionId, record);
  }

  addFault(fault: ShippingFault): void {
    this.faults.push(fault);
  }

  /** The fault that applies to this upload, if any (each one used `count` times, in the order they were added). */
  takeFault(): Omit<ShippingFault, 'count'> | undefined {
    const fault = this.faults[0];
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.faults.shift();
    return { errcode: fault.errcode, holdMs: fault.holdMs };
  }

  clear(): void {
    this.records.clear();
    this.faults = [];
  }
}
