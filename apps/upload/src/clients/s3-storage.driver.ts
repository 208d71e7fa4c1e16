import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteRange, ObjectMissingError, PresignedUpload, SignedDownloadOptions, StorageDriver } from './storage-driver';

/** Where and how to reach the bucket. */
export interface S3StorageOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  /** The endpoint clients reach (signed URLs, presigned uploads); default `endpoint`. */
  publicEndpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  keyPrefix: string;
  /** Scratch directory where an upload of unknown length is spooled before it is put. */
  spoolDirectory: string;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Objects in an S3-compatible bucket (AWS S3, Tencent COS, Aliyun OSS, MinIO). A multipart upload's length
 * is only known at its end, so it is spooled to local scratch disk (never memory) and then put in one
 * request with its length: S3 makes the object visible only once that request completes.
 */
export class S3StorageDriver implements StorageDriver {
  readonly kind = 's3';
  readonly client: S3Client;
  private readonly signer: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    const base: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      // S3 stand-ins (COS, OSS, MinIO versions) do not all accept the SDK's default CRC checksum trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      ...(options.accessKeyId && options.secretAccessKey
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
    };
    this.client = new S3Client({ ...base, endpoint: options.endpoint });
    this.signer = new S3Client({ ...base, endpoint: options.publicEndpoint ?? options.endpoint });
    mkdirSync(options.spoolDirectory, { recursive: true });
  }

  private objectKey(key: string): string {
    return `${this.options.keyPrefix}${key}`;
  }

  async put(key: string, source: Readable, contentType: () => string): Promise<void> {
    const spool = join(this.options.spoolDirectory, `${randomUUID()}.part`);
    try {
      await pipeline(source, createWriteStream(spool, { flags: 'wx' }));
      const { size } = await stat(spool);
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectKey(key),
          Body: createReadStream(spool),
          ContentLength: size,
          ContentType: contentType(),
        }),
      );
    } catch (error) {
      source.destroy();
      throw error;
    } finally {
      await rm(spool, { force: true });
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const reply = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return reply.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectMissingError(key);
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }))).ContentLength;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
  }

  async sweepScratch(ageMs: number): Promise<number> {
    const cutoff = Date.now() - ageMs;
    let removed = 0;
    for (const name of await readdir(this.options.spoolDirectory)) {
      const path = join(this.options.spoolDirectory, name);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < cutoff) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  signedDownloadUrl(key: string, options: SignedDownloadOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: this.objectKey(key),
      ResponseContentType: options.contentType,
      ResponseCacheControl: options.cacheControl,
      ResponseContentDisposition: options.contentDisposition,
    });
    return getSignedUrl(this.signer, command, { expiresIn: options.expiresInSeconds });
  }

  async presignUpload(key: string, mime: string, size: number, expiresInSeconds: number): Promise<PresignedUpload> {
    // The policy binds the exact length and type: S3 refuses any other file (confirm checks again).
    const post = await createPresignedPost(this.signer, {
      Bucket: this.options.bucket,
      Key: this.objectKey(key),
      Conditions: [
        ['content-length-range', size, size],
        ['eq', '$Content-Type', mime],
      ],
      Fields: { 'Content-Type': mime },
      Expires: expiresInSeconds,
    });
    return { method: 'POST', url: post.url, fields: post.fields, fileField: 'file' };
  }
}
