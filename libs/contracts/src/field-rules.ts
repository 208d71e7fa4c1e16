import { Transform } from 'class-transformer';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Length, ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';

/**
 * The field may be left out, but `null` is refused like any other wrong value: class-validator's own
 * `@IsOptional()` lets `null` through to the service, which then stores or trips over it.
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** The field is required (not empty) when `required(object)` holds, and checked by its other rules whenever it is given. */
export function RequiredWhen<T extends object>(required: (object: T) => boolean, message: string): PropertyDecorator {
  return applyDecorators(
    ValidateIf((object: T, value: unknown) => value !== undefined || required(object)),
    IsNotEmpty({ message }),
  );
}

/** The field may be left out or `null` (null clears it). */
export function OptionalOrNull(): PropertyDecorator {
  return IsOptional();
}

/**
 * Exactly one of this field and `other` must be given (put it on both): the field is required when `other` is left out,
 * and refused beside it. `null` counts as given, and is then refused by the field's own rules.
 */
export function ExactlyOneOf(other: string): PropertyDecorator {
  const given = (object: unknown, field: string) => (object as Record<string, unknown>)[field] !== undefined;
  return applyDecorators(
    // Checked when given, or when `other` is missing too (then the field's own rules say it is missing as well).
    ValidateIf((object: object, value: unknown) => value !== undefined || !given(object, other)),
    ValidateBy({
      name: 'exactlyOneOf',
      constraints: [other],
      validator: {
        validate: (value: unknown, args) => (value !== undefined) !== given(args?.object, other),
        defaultMessage: (args) =>
          args?.value === undefined ? `${args?.property} or ${other} is required` : `give either ${args?.property} or ${other}, not both`,
      },
    }),
  );
}

/** A query-string integer: decimal digits only (`1e1`, `0x10`, ` 7` and `7.0` stay strings and fail `@IsInt()`). */
export function QueryInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value));
}

// C0 and C1 control characters, the line and paragraph separators, and the bidirectional marks and overrides that
// make "abc\u202Egpj.exe" display as "abcexe.jpg".
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_BIDI = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const LINE_BREAK_OR_TAB = /[\t\n\r]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `value` is text a person could have typed: well-formed UTF-16, no control or direction characters, line breaks only if `multiline`. */
export function isUserText(value: unknown, multiline = false): boolean {
  return typeof value === 'string' && !CONTROL_OR_BIDI.test(value) && !LONE_SURROGATE.test(value) && (multiline || !LINE_BREAK_OR_TAB.test(value));
}

/** Text a person typed (names, remarks, addresses, titles): see isUserText. Combine with `@IsString()`, which refuses other types, and a length rule. */
export function IsUserText(options: { multiline?: boolean } = {}, validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUserText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || isUserText(value, options.multiline),
        defaultMessage: (args) =>
          `${args?.property ?? 'text'} must be plain text: no control characters${options.multiline ? '' : ' or line breaks'}, direction overrides or broken Unicode`,
      },
    },
    validationOptions,
  );
}

/** A string field of text a person typed, `min` (default 1) to `max` characters long: `@IsString()`, `@IsUserText()` and `@Length()` in one. */
export function UserText(options: { max: number; min?: number; multiline?: boolean }): PropertyDecorator {
  const min = options.min ?? 1;
  return applyDecorators(
    IsString(),
    IsUserText({ multiline: options.multiline }),
    Length(min, options.max),
    // The API document's swagger plugin reads only class-validator's own decorators, not this one.
    ApiProperty({ type: String, minLength: min, maxLength: options.max }),
  );
}
