import { Column, ColumnOptions, CreateDateColumn, UpdateDateColumn, ValueTransformer } from 'typeorm';

/** Options of a column whose type the decorator fixes. */
export type TypedColumnOptions = Omit<ColumnOptions, 'type' | 'transformer'>;

/** BIGINT (mysql2 reads it as a string) ⇄ number; safe below 2^53, which byte counts and sizes stay under. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** TEXT holding a JSON array of strings ⇄ string[] (portable between MySQL 8 and MariaDB, unlike JSON columns). */
export const stringList = {
  to: (value: string[] | null | undefined): string => JSON.stringify(value ?? []),
  from: (value: string | null): string[] => (value ? (JSON.parse(value) as string[]) : []),
} satisfies ValueTransformer;

/** A boolean stored as TINYINT(1) (MySQL's and MariaDB's BOOLEAN): read back as true or false. */
export function BooleanColumn(options: TypedColumnOptions = {}): PropertyDecorator {
  return Column({ ...options, type: 'boolean' });
}

/** A BIGINT read and written as a JavaScript number. */
export function BigIntNumberColumn(options: TypedColumnOptions = {}): PropertyDecorator {
  return Column({ ...options, type: 'bigint', transformer: bigintNumber });
}

/** A TEXT column holding a list of strings as JSON. */
export function StringListColumn(options: TypedColumnOptions = {}): PropertyDecorator {
  return Column({ ...options, type: 'text', transformer: stringList });
}

/** `created_at DATETIME(3)`, set by TypeORM on insert. */
export function CreatedAtColumn(): PropertyDecorator {
  return CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 });
}

/** `updated_at DATETIME(3)`, set by TypeORM on insert and on every update through it. */
export function UpdatedAtColumn(): PropertyDecorator {
  return UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 });
}

/** Base of an entity whose table has created_at and updated_at. */
export abstract class Timestamped {
  /** When the row was inserted. */
  @CreatedAtColumn()
  createdAt: Date;

  /** When the row was last changed through TypeORM. */
  @UpdatedAtColumn()
  updatedAt: Date;
}
