/** The keys of each subscribe-message template the sandbox knows: `{templateId: ['thing1', 'time2']}`. */
export type SubscribeTemplates = Readonly<Record<string, readonly string[]>>;

/** The local stack's templates: each id is the name of the event it announces (see the api contract). */
export const DEFAULT_SUBSCRIBE_TEMPLATES: SubscribeTemplates = {
  order_paid: ['character_string1', 'thing2', 'amount3', 'time4'],
  order_shipped: ['character_string1', 'thing2', 'thing3', 'character_string4'],
  order_cancelled: ['character_string1', 'thing2', 'amount3', 'thing4'],
  after_sale_decided: ['character_string1', 'phrase2', 'amount3', 'thing4'],
  booking_made: ['thing1', 'time2', 'name3'],
  booking_reminder: ['thing1', 'time2'],
};

const CJK = '\\u3400-\\u9fff';
const DATE = '(\\d{4}年\\d{1,2}月\\d{1,2}日|\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2})';
const CLOCK = '\\d{1,2}:\\d{2}(:\\d{2})?';

/**
 * WeChat's rule for each keyword type (the prefix of a key: `thing1` is a `thing`), as its documentation of
 * subscribeMessage.send states them; a value that breaks its rule is refused with 47003.
 */
const VALUE_RULES: Record<string, RegExp> = {
  thing: /^[^\p{Cc}]{1,20}$/u,
  number: /^\d{1,32}(\.\d+)?$/,
  letter: /^[A-Za-z]{1,32}$/,
  symbol: new RegExp(`^[^A-Za-z0-9${CJK}\\p{Cc}\\s]{1,5}$`, 'u'),
  character_string: new RegExp(`^[^${CJK}\\p{Cc}\\s]{1,32}$`, 'u'),
  time: new RegExp(`^(${DATE} )?${CLOCK}(~(${DATE} )?${CLOCK})?$`),
  date: new RegExp(`^${DATE}( ${CLOCK})?(~${DATE}( ${CLOCK})?)?$`),
  amount: /^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/,
  phone_number: /^[\d+\-() ]{1,17}$/,
  car_number: new RegExp(`^[${CJK}A-Z0-9][A-Z0-9]{0,6}[${CJK}A-Z0-9]?$`),
  name: new RegExp(`^([${CJK}·]{1,10}|[A-Za-z .'·-]{1,20})$`),
  phrase: new RegExp(`^[${CJK}]{1,5}$`),
};

/** The keyword type of a template key (`character_string4` → `character_string`), or undefined. */
export function keywordType(key: string): string | undefined {
  const type = /^([a-z_]+?)\d+$/.exec(key)?.[1];
  return type !== undefined && type in VALUE_RULES ? type : undefined;
}

/**
 * Why `data` does not fit the template's keys (a key missing, unknown, not `{value: string}`, or a value breaking
 * its type's rule), or undefined when it fits.
 */
export function dataProblem(keys: readonly string[], data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'data is not an object';
  const fields = data as Record<string, unknown>;
  const unknownKey = Object.keys(fields).find((key) => !keys.includes(key));
  if (unknownKey !== undefined) return `data.${unknownKey} is not a keyword of the template`;
  for (const key of keys) {
    const field = fields[key];
    if (typeof field !== 'object' || field === null) return `data.${key} is missing`;
    const value = (field as Record<string, unknown>).value;
    if (typeof value !== 'string') return `data.${key}.value is not a string`;
    const type = keywordType(key);
    if (type && !VALUE_RULES[type].test(value)) return `data.${key}.value is not a valid ${type}`;
  }
  return undefined;
}
