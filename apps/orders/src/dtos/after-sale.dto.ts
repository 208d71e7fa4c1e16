import type { AfterSale, AfterSaleRefundStatus, AfterSaleStatus } from '../entities/after-sale.entity';

/** An order line a request concerns. */
export class AfterSaleItemViewDto {
  skuId: string;
  quantity: number;
}

/** The WeChat Pay refund of an approved request. */
export class AfterSaleRefundDto {
  /** `pending` until WeChat Pay accepts it, `processing` until it is done, `succeeded`, or `failed` (WeChat Pay refused it). */
  status: AfterSaleRefundStatus;
  amountFen: number;
  refundedAt: string | null;
}

/** An after-sale refund request, as its owner and staff see it. */
export class AfterSaleDto {
  id: string;
  orderId: string;
  userId: string;
  /** `requested → approved → refunded`, `requested → rejected`, `requested → withdrawn`. */
  status: AfterSaleStatus;
  reason: string;
  remark: string | null;
  /** The refund asked for, in fen. */
  refundFen: number;
  /** The lines concerned; empty: the whole order. */
  items: AfterSaleItemViewDto[];
  imageUploadIds: string[];
  /** Why staff rejected it. */
  rejectReason: string | null;
  /** When staff approved or rejected it. */
  decidedAt: string | null;
  withdrawnAt: string | null;
  /** null until the request is approved. */
  refund: AfterSaleRefundDto | null;
  createdAt: string;

  static from(request: AfterSale): AfterSaleDto {
    const iso = (date: Date | null) => (date ? date.toISOString() : null);
    return {
      id: request.id,
      orderId: request.orderId,
      userId: request.userId,
      status: request.status,
      reason: request.reason,
      remark: request.remark,
      refundFen: request.requestedFen,
      items: request.items.map((item) => ({ skuId: item.skuId, quantity: item.quantity })),
      imageUploadIds: request.imageUploadIds,
      rejectReason: request.rejectReason,
      decidedAt: iso(request.decidedAt),
      withdrawnAt: iso(request.withdrawnAt),
      refund:
        request.refundStatus && request.approvedFen !== null
          ? { status: request.refundStatus, amountFen: request.approvedFen, refundedAt: iso(request.refundedAt) }
          : null,
      createdAt: request.createdAt.toISOString(),
    };
  }
}
