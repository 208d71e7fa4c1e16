/** Storage key of an upload's original bytes (sharded by the id's random tail). */
export function originalKey(id: string): string {
  return `files/${id.slice(-2)}/${id}`;
}

/** Storage key of an upload's thumbnail. */
export function thumbnailKey(id: string): string {
  return `thumbs/${id.slice(-2)}/${id}`;
}

/** Every key an upload may have in storage. */
export function allKeys(id: string): string[] {
  return [originalKey(id), thumbnailKey(id)];
}
