import { Transform } from 'class-transformer';

/**
 * Reads `true`/`false` (also 1/0, yes/no). Needed because implicit conversion would turn the string "false"
 * into `true`; the raw value is taken from the source object for that reason. Anything else is left for
 * @IsBoolean() to refuse.
 */
export const BooleanFromEnv = () =>
  Transform(({ obj, key }) => {
    const raw = (obj as Record<string, unknown>)[key];
    if (typeof raw === 'boolean') return raw;
    const text = String(raw).trim().toLowerCase();
    if (['true', '1', 'yes'].includes(text)) return true;
    if (['false', '0', 'no'].includes(text)) return false;
    return raw;
  });
