import type { ParameterObject, SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

interface Constraint {
  propertyName: string;
  name?: string;
  constraints?: unknown[];
  /** The rule holds for each item of an array. */
  each?: boolean;
}

function constraintsOf(dto: abstract new (...args: never[]) => unknown): Constraint[] {
  return getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
}

const isNumberType = (type: SchemaObject['type']) => type === 'number' || (Array.isArray(type) && type.includes('number'));

/** One class-validator rule as JSON-schema keywords, keeping what the schema already says. */
function apply(schema: SchemaObject, { name, constraints = [] }: Constraint): void {
  const [first, second] = constraints;
  const fill = <K extends keyof SchemaObject>(key: K, value: SchemaObject[K]) => {
    if (schema[key] === undefined && value !== undefined) schema[key] = value;
  };
  switch (name) {
    case 'isInt':
      if (isNumberType(schema.type)) schema.type = Array.isArray(schema.type) ? schema.type.map((type) => (type === 'number' ? 'integer' : type)) : 'integer';
      return;
    case 'min':
      return fill('minimum', first as number);
    case 'max':
      return fill('maximum', first as number);
    case 'isLength':
      fill('minLength', first as number);
      return fill('maxLength', second as number);
    case 'minLength':
      return fill('minLength', first as number);
    case 'maxLength':
      return fill('maxLength', first as number);
    case 'matches':
      return fill('pattern', first instanceof RegExp ? first.source : (first as string));
    case 'isIn':
      return fill('enum', first as unknown[]);
    case 'arrayMinSize':
      return fill('minItems', first as number);
    case 'arrayMaxSize':
      return fill('maxItems', first as number);
    case 'isDateString':
    case 'isISO8601':
      return fill('format', 'date-time');
  }
}

/**
 * Completes a schema the swagger plugin built from `dto` with the class-validator rules it cannot read (limits behind a named
 * constant or inside a composed decorator such as `@UserText`, `@IsInt` as `integer`), so the document states the limits
 * the validation pipe enforces.
 */
export function applyValidationConstraints(schema: SchemaObject, dto: abstract new (...args: never[]) => unknown): void {
  for (const constraint of constraintsOf(dto)) {
    const property = schema.properties?.[constraint.propertyName];
    if (!property || '$ref' in property) continue;
    const target = constraint.each ? property.items : property;
    if (target && !('$ref' in target)) apply(target, constraint);
  }
  // A field with a default may be left out.
  if (schema.required) {
    schema.required = schema.required.filter((name) => (schema.properties?.[name] as SchemaObject | undefined)?.default === undefined);
    if (!schema.required.length) delete schema.required;
  }
}

/** The same for the query or path parameters swagger expanded from `dto`. */
export function applyParameterConstraints(parameters: ParameterObject[], dto: abstract new (...args: never[]) => unknown): void {
  const constraints = constraintsOf(dto);
  for (const parameter of parameters) {
    const schema = parameter.schema as SchemaObject | undefined;
    if (!schema || '$ref' in schema) continue;
    constraints.filter((constraint) => constraint.propertyName === parameter.name).forEach((constraint) => apply(schema, constraint));
    if (schema.default !== undefined) parameter.required = false;
  }
}
