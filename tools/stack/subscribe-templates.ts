/**
 * WECHAT_SUBSCRIBE_TEMPLATES of the local stack: each template id is its message kind, with the keywords the
 * sandbox's templates of the same ids have (tools/wechat-sandbox/subscribe/subscribe-templates.ts).
 */
export const LOCAL_SUBSCRIBE_TEMPLATES = {
  order_paid: {
    templateId: 'order_paid',
    page: 'pages/orders/detail?id={orderId}',
    data: { character_string1: 'orderNo', thing2: 'itemTitle', amount3: 'total', time4: 'paidAt' },
  },
  order_shipped: {
    templateId: 'order_shipped',
    page: 'pages/orders/detail?id={orderId}',
    data: { character_string1: 'orderNo', thing2: 'itemTitle', thing3: 'carrier', character_string4: 'trackingNo' },
  },
  order_cancelled: {
    templateId: 'order_cancelled',
    page: 'pages/orders/detail?id={orderId}',
    data: { character_string1: 'orderNo', thing2: 'itemTitle', amount3: 'total', thing4: 'reason' },
  },
  after_sale_decided: {
    templateId: 'after_sale_decided',
    page: 'pages/orders/detail?id={orderId}',
    data: { character_string1: 'orderNo', phrase2: 'decision', amount3: 'refund', thing4: 'note' },
  },
  booking_made: {
    templateId: 'booking_made',
    page: 'pages/appointments/detail?id={appointmentId}',
    data: { thing1: 'resourceName', time2: 'startsAt', name3: 'contactName' },
  },
  booking_reminder: {
    templateId: 'booking_reminder',
    page: 'pages/appointments/detail?id={appointmentId}',
    data: { thing1: 'resourceName', time2: 'startsAt' },
  },
};
