import { gzipSync } from 'node:zlib';

/**
 * A cached read model as the bytes an answer sends, kept in the replica's memory: the UTF-8 JSON and, made on
 * first ask and kept with it, its gzip, so neither is encoded again per request.
 */
export class CachedAnswer {
  readonly body: Buffer;
  private gzipped?: Buffer;

  /** `localKey` names the entry in the replica's memory; undefined when it is kept nowhere (the cache disabled). */
  constructor(
    json: string,
    readonly localKey?: string,
  ) {
    this.body = Buffer.from(json);
  }

  text(): string {
    return this.body.toString('utf8');
  }

  gzip(): Buffer {
    return (this.gzipped ??= gzipSync(this.body));
  }
}
