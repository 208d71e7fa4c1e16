import { keywordTypeOf, MESSAGE_SOURCES, SubscribeTemplate } from '../config/subscribe-templates';

/** The values of one message, by the names of MESSAGE_SOURCES: text, money in fen, times as ISO strings. */
export type MessageValues = Record<string, string | number | null>;

/** Times are written in China Standard Time, which is what the mini-program's users read them in. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const CJK = /[\u3400-\u9fff]/g;
const HAS_CJK = /[\u3400-\u9fff]/;

/** What subscribeMessage.send takes for a template: each keyword's value written to WeChat's rule for its type. */
export function messageData(template: SubscribeTemplate, values: MessageValues): Record<string, { value: string }> {
  const sources = MESSAGE_SOURCES[template.kind];
  return Object.fromEntries(
    Object.entries(template.data).map(([key, source]) => [key, { value: keywordValue(keywordTypeOf(key) ?? 'thing', sources[source], values[source]) }]),
  );
}

/** The template's page with `{name}` replaced by the message's values (URL-encoded). */
export function messagePage(template: SubscribeTemplate, values: MessageValues): string {
  return template.page.replace(/\{([^}]*)\}/g, (_whole, name: string) => encodeURIComponent(String(values[name] ?? '')));
}

/** A value as the keyword type allows it; a keyword WeChat requires is never left empty (`-`). */
function keywordValue(type: string, kind: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  if (kind === 'money') return type === 'amount' ? yuan(Number(value)) : cut(yuan(Number(value)), 20);
  if (kind === 'time') return type === 'date' ? chinaDate(String(value)) : `${chinaDate(String(value))} ${chinaClock(String(value))}`;
  const text = String(value).replace(/[\p{Cc}]/gu, ' ');
  switch (type) {
    case 'thing':
      return cut(text, 20);
    case 'character_string':
      return orDash(text.replace(CJK, '').replace(/\s/g, '').slice(0, 32));
    case 'number':
      return orDash(text.replace(/[^\d.]/g, '').slice(0, 32));
    case 'letter':
      return orDash(text.replace(/[^A-Za-z]/g, '').slice(0, 32));
    case 'symbol':
      return orDash(text.replace(/[A-Za-z0-9\s\u3400-\u9fff]/g, '').slice(0, 5));
    case 'phrase':
      return orDash((text.match(CJK) ?? []).join('').slice(0, 5));
    case 'name':
      // A name is all Chinese (at most 10) or all letters (at most 20); no ellipsis, which is neither.
      return HAS_CJK.test(text)
        ? orDash((text.match(/[\u3400-\u9fff·]/g) ?? []).join('').slice(0, 10))
        : orDash(
            text
              .replace(/[^A-Za-z .'·-]/g, '')
              .trim()
              .slice(0, 20),
          );
    case 'phone_number':
      return orDash(text.replace(/[^\d+\-() ]/g, '').slice(0, 17));
    case 'car_number':
      return orDash(text.replace(/\s/g, '').slice(0, 8));
    default:
      return cut(text, 20);
  }
}

/** At most `max` characters (code points); a longer text ends with `…`. */
function cut(text: string, max: number): string {
  const chars = [...text.trim()];
  if (chars.length === 0) return '-';
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

function orDash(text: string): string {
  return text === '' ? '-' : text;
}

function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

function chinaTime(iso: string): Date {
  return new Date(new Date(iso).getTime() + CHINA_OFFSET_MS);
}

function chinaDate(iso: string): string {
  const time = chinaTime(iso);
  return `${time.getUTCFullYear()}年${time.getUTCMonth() + 1}月${time.getUTCDate()}日`;
}

function chinaClock(iso: string): string {
  const time = chinaTime(iso);
  return `${String(time.getUTCHours()).padStart(2, '0')}:${String(time.getUTCMinutes()).padStart(2, '0')}`;
}
