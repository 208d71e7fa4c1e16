import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, ErrorDetail } from '#libs/errors';

/** Names every object inherits (`constructor`, `toString`, ...): class-transformer skips them, so the whitelist never sees them. */
const INHERITED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function inheritedNameFields(value: unknown, parent = ''): ErrorDetail[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const field = parent ? `${parent}.${key}` : key;
    const own = INHERITED_NAMES.has(key) ? [{ field, message: `property ${key} should not exist` }] : [];
    return [...own, ...inheritedNameFields((value as Record<string, unknown>)[key], field)];
  });
}

const REMEMBERED_PER_DTO = 1000;

/**
 * Nest's ValidationPipe, also refusing a `null` body and unknown fields named like Object.prototype members.
 * Valid query strings and route parameters repeat (`?limit=20`, a popular product id) and validating them
 * again costs more than the rest of a cached read: the last validated ones are remembered per DTO class.
 */
class StrictValidationPipe extends ValidationPipe {
  private readonly remembered = new Map<unknown, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const rememberable = (metadata.type === 'query' || metadata.type === 'param') && metadata.metatype !== undefined && this.toValidate(metadata);
    const key = rememberable ? JSON.stringify(value) : '';
    const known = rememberable ? this.remembered.get(metadata.metatype)?.get(key) : undefined;
    // A copy: a handler that changed its DTO must not change the next request's.
    if (known) return Object.assign(Object.create(Object.getPrototypeOf(known) as object) as object, known);
    const validated = await this.validateStrictly(value, metadata);
    if (rememberable && typeof validated === 'object' && validated !== null && key.length <= 512) this.remember(metadata.metatype, key, validated);
    return validated;
  }

  private remember(metatype: unknown, key: string, validated: object): void {
    let entries = this.remembered.get(metatype);
    if (!entries) this.remembered.set(metatype, (entries = new Map<string, object>()));
    if (entries.size >= REMEMBERED_PER_DTO) entries.clear();
    entries.set(key, Object.assign(Object.create(Object.getPrototypeOf(validated) as object) as object, validated));
  }

  private async validateStrictly(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.toValidate(metadata) && ['body', 'query', 'param'].includes(metadata.type)) {
      if (metadata.type === 'body' && value === null) {
        throw new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field: 'body', message: 'body must be a JSON object' }]);
      }
      const inherited = inheritedNameFields(value);
      if (inherited.length) throw new AppError('VALIDATION_FAILED', 'Request validation failed', inherited);
    }
    return super.transform(value, metadata);
  }
}

/** Validates DTOs strictly: unknown fields and wrong types are a 400 VALIDATION_FAILED listing each problem. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new AppError('VALIDATION_FAILED', 'Request validation failed', flatten(errors)),
  });
}
