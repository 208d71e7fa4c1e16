/** A WHERE clause and its parameters, built from the filters that were given. */
export interface SqlConditions {
  where: string;
  params: unknown[];
}

/** `always` (fixed conditions) AND each `[clause, value]` whose value was given (not undefined). */
export function sqlConditions(always: string[], optional: [clause: string, value: unknown][]): SqlConditions {
  const given = optional.filter(([, value]) => value !== undefined);
  const clauses = [...always, ...given.map(([clause]) => clause)];
  return { where: clauses.length ? clauses.join(' AND ') : '1 = 1', params: given.map(([, value]) => value) };
}
