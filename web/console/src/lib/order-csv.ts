import type { AdminOrder } from '../api/orders-api';
import { formatYuan } from './money';

/** A column of the export: its header (already in the staff member's language) and its cell. */
export interface CsvColumn<T> {
  header: string;
  cell: (row: T) => string | number | null | undefined;
}

/** Cells a spreadsheet would run as a formula (CSV injection) start with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field: quoted when it holds a comma, quote or line break, quotes doubled. Text that a spreadsheet
 * would take for a formula gets a leading apostrophe, since names and remarks are typed by users.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The CSV text of `rows`: a header line, then one line per row, CRLF line ends, and a UTF-8 byte order mark so that
 * Excel reads the Chinese text as UTF-8.
 */
export function buildCsv<T>(columns: CsvColumn<T>[], rows: T[]): string {
  const lines = [columns.map((column) => csvField(column.header)), ...rows.map((row) => columns.map((column) => csvField(column.cell(row))))];
  return `\uFEFF${lines.map((fields) => fields.join(',')).join('\r\n')}\r\n`;
}

/** The export's columns, in the order staff read an order; `label` gives each header and each status in words. */
export function orderCsvColumns(label: (key: string) => string): CsvColumn<AdminOrder>[] {
  return [
    { header: label('orders.orderNo'), cell: (order) => order.orderNo },
    { header: label('orders.status'), cell: (order) => label(`orders.statuses.${order.status}`) },
    { header: label('orders.createdAt'), cell: (order) => order.createdAt },
    { header: label('orders.paidAt'), cell: (order) => order.paidAt },
    { header: label('orders.totalYuan'), cell: (order) => formatYuan(order.totalFen) },
    { header: label('orders.discountYuan'), cell: (order) => formatYuan(order.discountFen) },
    { header: label('orders.items'), cell: (order) => order.items.map((item) => `${item.productTitle} ${item.skuName} ×${item.quantity}`).join('; ') },
    { header: label('orders.contactName'), cell: (order) => order.contact.name },
    { header: label('orders.contactPhone'), cell: (order) => order.contact.phone },
    { header: label('orders.address'), cell: (order) => order.contact.address },
    { header: label('orders.remark'), cell: (order) => order.remark },
    { header: label('orders.shippedAt'), cell: (order) => order.shippedAt },
    { header: label('orders.carrier'), cell: (order) => order.shipment?.carrier },
    { header: label('orders.trackingNo'), cell: (order) => order.shipment?.trackingNo },
    { header: label('orders.completedAt'), cell: (order) => order.completedAt },
    { header: label('orders.cancelledAt'), cell: (order) => order.cancelledAt },
    { header: label('orders.refundYuan'), cell: (order) => (order.refund?.amountFen == null ? null : formatYuan(order.refund.amountFen)) },
  ];
}

/** Offers `csv` to the browser as a file download (a Blob behind an object URL, dropped once clicked). */
export function downloadCsv(csv: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
