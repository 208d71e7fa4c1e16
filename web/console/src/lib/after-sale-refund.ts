import { parseYuan } from './money';

/**
 * The `refundFen` of an approval from the yuan staff typed: undefined when left empty (the API then refunds what was
 * asked for), the fen when it is a positive amount not above what was asked, else the problem's key.
 */
export function approvalRefundFen(typed: string, askedFen: number): { refundFen: number | undefined } | 'refundInvalid' | 'refundTooHigh' {
  if (typed.trim() === '') return { refundFen: undefined };
  const fen = parseYuan(typed);
  if (fen === null || fen < 1) return 'refundInvalid';
  return fen > askedFen ? 'refundTooHigh' : { refundFen: fen };
}
