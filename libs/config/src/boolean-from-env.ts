import { Transform } from 'class-transformer';

const TRUE_TEXTS = ['true', '1', 'yes', 'on'];
const FALSE_TEXTS = ['false', '0', 'no', 'off', ''];

/**
 * Reads `true`/`false` (also 1/0, yes/no, on/off; an empty value, which only a `_FILE` can give, is false). Needed
 * because implicit conversion would turn the string "false" into `true`; the raw value is taken from the source
 * object for that reason. Anything else is left for @IsBoolean() to refuse.
 */
export const BooleanFromEnv = () =>
  Transform(({ obj, key }) => {
    const raw = (obj as Record<string, unknown>)[key];
    if (typeof raw !== 'string' && typeof raw !== 'number') return raw;
    const text = String(raw).trim().toLowerCase();
    if (TRUE_TEXTS.includes(text)) return true;
    if (FALSE_TEXTS.includes(text)) return false;
    return raw;
  });
