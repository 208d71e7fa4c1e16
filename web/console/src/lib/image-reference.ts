const UPLOAD_CONTENT = /^\/api\/uploads\/([0-9A-HJKMNP-TV-Z]{26})\/content$/;

/**
 * What a product, article or banner stores for an image the API showed as a URL: the upload id of
 * `/api/uploads/<id>/content`, any other (http/https) URL as it is.
 */
export function imageReference(url: string): string {
  return UPLOAD_CONTENT.exec(url)?.[1] ?? url;
}

/** The URL an image reference loads from (an upload id, or a URL kept as it is). */
export function imageUrl(reference: string): string {
  return /^[0-9A-HJKMNP-TV-Z]{26}$/.test(reference) ? `/api/uploads/${reference}/content` : reference;
}
