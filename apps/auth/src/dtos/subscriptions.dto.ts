/** What the user may still be sent: unused acceptances by template id (every configured template, 0 included). */
export class SubscriptionsDto {
  /** @example {"order_paid": 1, "order_shipped": 0} */
  unused: Record<string, number>;
}
