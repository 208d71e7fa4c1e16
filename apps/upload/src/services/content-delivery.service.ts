import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { UploadEnv } from '../config/upload-env';
import { Upload } from '../entities/upload.entity';
import { ObjectMissingError, STORAGE_DRIVER } from '../clients/storage-driver';
import type { StorageDriver } from '../clients/storage-driver';
import { contentDisposition } from '../helpers/filename';
import { noneMatch, parseRange } from '../helpers/http-ranges';

/** A response to GET .../content, for the controller to send as it is. */
export interface ContentReply {
  status: 200 | 206 | 302 | 304 | 416;
  headers: Record<string, string>;
  body?: Readable;
}

/** The request headers that shape a content reply. */
export interface ContentRequestHeaders {
  range?: string;
  ifRange?: string;
  ifNoneMatch?: string;
}

const INLINE_TYPES = /^(image|video|audio)\//;

/**
 * Serves an upload's bytes (or its thumbnail): validators, caching, single byte ranges, or a redirect to
 * a short-lived signed URL when the s3 driver is set to redirect.
 */
@Injectable()
export class ContentDeliveryService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: UploadEnv,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
  ) {}

  /** `accessEndsAt` (epoch seconds): when the reader's signed link expires; nothing handed out may outlive it. */
  async reply(upload: Upload, variant: 'original' | 'thumb', request: ContentRequestHeaders, accessEndsAt?: number, now = Date.now()): Promise<ContentReply> {
    const accessLeft = accessEndsAt === undefined ? Infinity : Math.max(1, accessEndsAt - Math.floor(now / 1000));
    const thumbReady = variant === 'thumb' && upload.thumbStatus === 'ready' && upload.thumbKey !== null;
    const representation = thumbReady
      ? { key: upload.thumbKey!, mime: upload.thumbMime!, size: upload.thumbSize!, sha256: upload.thumbSha256! }
      : { key: upload.storageKey, mime: upload.mime, size: upload.size, sha256: upload.sha256 };
    // Files never change once stored, but a thumbnail request answered with the original changes when the thumbnail is ready.
    const fallback = variant === 'thumb' && !thumbReady;
    const cacheControl = fallback ? 'no-cache' : upload.isPublic ? 'public, max-age=31536000, immutable' : `private, max-age=${Math.min(3600, accessLeft)}`;
    const disposition = contentDisposition(INLINE_TYPES.test(representation.mime) ? 'inline' : 'attachment', thumbReady ? null : upload.filename);

    if (this.storage.kind === 's3' && this.config.UPLOAD_S3_REDIRECT && this.storage.signedDownloadUrl) {
      const location = await this.storage.signedDownloadUrl(representation.key, {
        expiresInSeconds: Math.min(this.config.UPLOAD_SIGNED_URL_TTL_SECONDS, accessLeft),
        contentType: representation.mime,
        cacheControl,
        contentDisposition: disposition,
      });
      return { status: 302, headers: { location, 'cache-control': 'private, no-store' } };
    }

    const etag = `"${representation.sha256}"`;
    const headers: Record<string, string> = {
      etag,
      'last-modified': upload.createdAt.toUTCString(),
      'cache-control': cacheControl,
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
    };
    if (noneMatch(request.ifNoneMatch, etag)) return { status: 304, headers };
    // If-Range with another validator than the current one: the client's partial copy is stale, send it all.
    const rangeHeader = request.ifRange !== undefined && request.ifRange.trim() !== etag ? undefined : request.range;
    const range = parseRange(rangeHeader, representation.size);
    if (range.kind === 'unsatisfiable') {
      return { status: 416, headers: { ...headers, 'content-range': `bytes */${representation.size}`, 'content-type': 'application/json; charset=utf-8' } };
    }
    const body = await this.open(representation.key, range.kind === 'partial' ? range.range : undefined);
    const common = { ...headers, 'content-type': representation.mime, 'content-disposition': disposition };
    if (range.kind === 'partial') {
      const { start, end } = range.range;
      return {
        status: 206,
        headers: { ...common, 'content-range': `bytes ${start}-${end}/${representation.size}`, 'content-length': String(end - start + 1) },
        body,
      };
    }
    return { status: 200, headers: { ...common, 'content-length': String(representation.size) }, body };
  }

  private async open(key: string, range?: { start: number; end: number }): Promise<Readable> {
    try {
      return await this.storage.read(key, range);
    } catch (error) {
      if (error instanceof ObjectMissingError) throw new AppError('UPLOAD_NOT_FOUND', 'The file is no longer stored');
      throw new AppError('STORAGE_UNAVAILABLE', 'File storage is unavailable, try again shortly');
    }
  }
}
