/** TINYINT(1) ⇄ boolean. */
export const booleanColumn = { to: (value: boolean) => (value ? 1 : 0), from: (value: number | boolean) => Boolean(value) };

/** TEXT holding a JSON array of strings ⇄ string[] (portable between MySQL 8 and MariaDB, unlike JSON columns). */
export const stringListColumn = {
  to: (value: string[]) => JSON.stringify(value ?? []),
  from: (value: string | null) => (value ? (JSON.parse(value) as string[]) : []),
};
