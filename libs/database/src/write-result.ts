/** What MySQL answers an UPDATE, INSERT or DELETE sent through `query()`: `query<WriteResult>(...)`. */
export interface WriteResult {
  affectedRows: number;
}
