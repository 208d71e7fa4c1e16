/** The messages the backend sends, each on one order event (booking_reminder: an hour before the booked slot). */
export const SUBSCRIBE_MESSAGE_KINDS = ['order_paid', 'order_shipped', 'order_cancelled', 'after_sale_decided', 'booking_made', 'booking_reminder'] as const;
export type SubscribeMessageKind = (typeof SUBSCRIBE_MESSAGE_KINDS)[number];

/** What a value of a message is: it decides which template keywords may show it and how it is written. */
export type SourceKind = 'text' | 'money' | 'time';

const ORDER_SOURCES = { orderId: 'text', orderNo: 'text', itemTitle: 'text', itemCount: 'text', total: 'money' } as const;
const BOOKING_SOURCES = { appointmentId: 'text', resourceName: 'text', startsAt: 'time', endsAt: 'time', contactName: 'text' } as const;

/** The values each message offers to its template's keywords and its page (`{orderId}`). */
export const MESSAGE_SOURCES: Record<SubscribeMessageKind, Readonly<Record<string, SourceKind>>> = {
  order_paid: { ...ORDER_SOURCES, paidAt: 'time' },
  order_shipped: { ...ORDER_SOURCES, carrier: 'text', trackingNo: 'text', shippedAt: 'time' },
  order_cancelled: { ...ORDER_SOURCES, reason: 'text', cancelledAt: 'time' },
  after_sale_decided: { afterSaleId: 'text', orderId: 'text', orderNo: 'text', decision: 'text', refund: 'money', note: 'text', decidedAt: 'time' },
  booking_made: BOOKING_SOURCES,
  booking_reminder: BOOKING_SOURCES,
};

/** WeChat's keyword types (the prefix of `thing1`), and the kinds of value each may show. */
const KEYWORD_SOURCES: Record<string, readonly SourceKind[]> = {
  thing: ['text', 'money', 'time'],
  character_string: ['text'],
  number: ['text'],
  letter: ['text'],
  symbol: ['text'],
  name: ['text'],
  phrase: ['text'],
  phone_number: ['text'],
  car_number: ['text'],
  amount: ['money'],
  time: ['time'],
  date: ['time'],
};

/** One configured template: its id in the mini-program's console, the page the message opens, and its keywords' values. */
export interface SubscribeTemplate {
  kind: SubscribeMessageKind;
  templateId: string;
  /** May name values in braces: `pages/orders/detail?id={orderId}`. */
  page: string;
  /** Keyword → the message's value shown there: `{"thing2": "itemTitle"}`. */
  data: Readonly<Record<string, string>>;
}

/** The keyword type of a template key (`character_string4` → `character_string`), or undefined for none WeChat has. */
export function keywordTypeOf(key: string): string | undefined {
  const type = /^([a-z_]+?)\d+$/.exec(key)?.[1];
  return type !== undefined && type in KEYWORD_SOURCES ? type : undefined;
}

/**
 * Reads WECHAT_SUBSCRIBE_TEMPLATES: a JSON object from message kind to `{templateId, page, data}`. Every problem is
 * named (an unknown kind, a keyword WeChat does not have, a value the message does not offer or that the keyword
 * cannot show, a template id used twice...) so that a bad configuration stops the service at start.
 */
export function parseSubscribeTemplates(raw: string): { templates: SubscribeTemplate[]; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { templates: [], problems: [`WECHAT_SUBSCRIBE_TEMPLATES is not JSON: ${(error as Error).message}`] };
  }
  if (!isObject(parsed)) return { templates: [], problems: ['WECHAT_SUBSCRIBE_TEMPLATES must be a JSON object of message kind → template'] };
  const problems: string[] = [];
  const templates: SubscribeTemplate[] = [];
  for (const [kind, entry] of Object.entries(parsed)) {
    const where = `WECHAT_SUBSCRIBE_TEMPLATES.${kind}`;
    if (!(SUBSCRIBE_MESSAGE_KINDS as readonly string[]).includes(kind)) {
      problems.push(`${where}: unknown message kind (one of ${SUBSCRIBE_MESSAGE_KINDS.join(', ')})`);
      continue;
    }
    const template = readTemplate(kind as SubscribeMessageKind, entry, where, problems);
    if (template) templates.push(template);
  }
  const ids = templates.map((template) => template.templateId);
  for (const id of new Set(ids.filter((id, index) => ids.indexOf(id) !== index))) {
    problems.push(`WECHAT_SUBSCRIBE_TEMPLATES: template id "${id}" is used by more than one message kind`);
  }
  return { templates: problems.length ? [] : templates, problems };
}

function readTemplate(kind: SubscribeMessageKind, entry: unknown, where: string, problems: string[]): SubscribeTemplate | undefined {
  if (!isObject(entry)) {
    problems.push(`${where} must be an object {templateId, page, data}`);
    return undefined;
  }
  const sources = MESSAGE_SOURCES[kind];
  const before = problems.length;
  const { templateId, page, data } = entry;
  const unknownField = Object.keys(entry).find((field) => !['templateId', 'page', 'data'].includes(field));
  if (unknownField) problems.push(`${where}.${unknownField}: unknown field (templateId, page, data)`);
  if (typeof templateId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(templateId)) {
    problems.push(`${where}.templateId must be 1-128 of A-Z a-z 0-9 _ -`);
  }
  if (typeof page !== 'string' || page.length > 512 || /\s/.test(page) || page.startsWith('/')) {
    problems.push(`${where}.page must be a mini-program page path such as pages/orders/detail?id={orderId} (no leading /, at most 512 characters)`);
  } else {
    for (const [, name] of page.matchAll(/\{([^}]*)\}/g)) {
      if (!(name in sources)) problems.push(`${where}.page: {${name}} is not a value of ${kind} (${Object.keys(sources).join(', ')})`);
    }
  }
  if (!isObject(data) || Object.keys(data).length === 0 || Object.keys(data).length > 20) {
    problems.push(`${where}.data must be an object of 1-20 keywords, e.g. {"thing1": "itemTitle"}`);
  } else {
    for (const [key, source] of Object.entries(data)) {
      const type = keywordTypeOf(key);
      if (!type) {
        problems.push(`${where}.data.${key}: not a WeChat keyword (${Object.keys(KEYWORD_SOURCES).join(', ')} followed by a number)`);
      } else if (typeof source !== 'string' || !(source in sources)) {
        problems.push(`${where}.data.${key}: "${String(source)}" is not a value of ${kind} (${Object.keys(sources).join(', ')})`);
      } else if (!KEYWORD_SOURCES[type].includes(sources[source])) {
        problems.push(`${where}.data.${key}: a ${type} keyword cannot show ${source} (a ${sources[source]} value)`);
      }
    }
  }
  if (problems.length > before) return undefined;
  return { kind, templateId: templateId as string, page: page as string, data: data as Record<string, string> };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
