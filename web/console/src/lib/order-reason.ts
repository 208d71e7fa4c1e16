type Translate = (key: string) => string;
type HasMessage = (key: string) => boolean;

/** Reasons whose part after the colon is what staff typed (shown); after other codes it is an id or a method (not shown). */
const TYPED_DETAIL = new Set(['staff_refund']);

/**
 * An order history line's reason in words when it is one of the API's codes (`staff_refund:缺货`,
 * `after_sale_requested:<id>`, `wechat_receipt_confirmed:<method>`...), else as recorded.
 */
export function orderReasonText(reason: string, t: Translate, has: HasMessage): string {
  const [code, ...rest] = reason.split(':');
  const key = `orders.reasons.${code}`;
  if (!has(key)) return reason;
  const detail = rest.join(':');
  return TYPED_DETAIL.has(code) && detail ? `${t(key)}：${detail}` : t(key);
}
