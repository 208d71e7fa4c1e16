import type { Readable } from 'node:stream';

/** Injection token of the configured StorageDriver. */
export const STORAGE_DRIVER = Symbol('STORAGE_DRIVER');

/** Bytes `start` to `end` of an object, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A direct-to-storage upload the client sends itself: a multipart POST of `fields` plus the file in `fileField`. */
export interface PresignedUpload {
  method: 'POST';
  url: string;
  fields: Record<string, string>;
  fileField: 'file';
}

/** How a signed download URL answers. */
export interface SignedDownloadOptions {
  expiresInSeconds: number;
  contentType: string;
  cacheControl: string;
  contentDisposition: string;
}

/** Raised by read() for a key that holds no object. */
export class ObjectMissingError extends Error {
  constructor(key: string) {
    super(`no object at ${key}`);
    this.name = 'ObjectMissingError';
  }
}

/**
 * Where the bytes live. Keys are made by the service only (`files/<xx>/<id>`). A put is atomic: the object
 * is visible at its key complete or not at all, whatever happens to the replica while it streams.
 */
export interface StorageDriver {
  readonly kind: 'local' | 's3';
  /**
   * Streams `source` to `key`; rejects (leaving nothing at `key`) if the source or the storage fails.
   * `contentType` is asked once the source has ended (the type is known from the bytes by then).
   */
  put(key: string, source: Readable, contentType: () => string): Promise<void>;
  /** The object's bytes, or a range of them; ObjectMissingError if there is none. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** The object's size, or undefined if there is none. */
  size(key: string): Promise<number | undefined>;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Removes scratch files (partial uploads of replicas that died) older than `ageMs`; returns how many. */
  sweepScratch(ageMs: number): Promise<number>;
  /** A short-lived URL that serves the object straight from storage (s3 only). */
  signedDownloadUrl?(key: string, options: SignedDownloadOptions): Promise<string>;
  /** A presigned upload of exactly `size` bytes of type `mime` to `key` (s3 only). */
  presignUpload?(key: string, mime: string, size: number, expiresInSeconds: number): Promise<PresignedUpload>;
}
