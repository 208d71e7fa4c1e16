import { ApiError } from '../api/api-error';

type Translate = (key: string, values?: Record<string, unknown>) => string;
type HasMessage = (key: string) => boolean;

/**
 * What a staff member reads for a failed call: the words for its code, the fields of a VALIDATION_FAILED, and the
 * request id to quote for server errors. Never the server's raw message, JSON or a stack.
 */
export function errorText(error: unknown, t: Translate, has: HasMessage): string {
  if (!(error instanceof ApiError)) return t('errors.unknown', { code: 'CLIENT' });
  const key = `errors.${error.code}`;
  const parts = [has(key) ? t(key) : t('errors.unknown', { code: error.code })];
  const fields = [...new Set(error.details.map((detail) => detail.field).filter((field): field is string => Boolean(field)))];
  if (error.code === 'VALIDATION_FAILED' && fields.length > 0) parts.push(t('errors.fields', { fields: fields.join(', ') }));
  if (error.status >= 500 && error.requestId) parts.push(t('common.requestId', { id: error.requestId }));
  return parts.join(' ');
}
