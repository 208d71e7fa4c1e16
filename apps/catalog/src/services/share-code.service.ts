import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { LocalLru } from '#libs/cache';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { REDIS } from '#libs/redis';
import { WechatApiError, WechatServerApi } from '#libs/wechat';
import { UploadClient } from '../clients/upload.client';
import { CatalogEnv } from '../config/catalog-env';
import { ProductRepository } from '../repositories/product.repository';
import { ShareCodeRepository } from '../repositories/share-code.repository';

/** A share code's bytes as answered. */
export interface ShareCodeImage {
  bytes: Buffer;
  mime: string;
  /** The bytes' SHA-256, hex. */
  sha256: string;
}

/** Longer than a getwxacodeunlimit call and the upload can take; a maker that dies frees the code this much later. */
const LOCK_TTL_MS = 30_000;
/** How long a request waits for another replica to make the code before giving up. */
const WAIT_MS = 20_000;
const POLL_MS = 100;
const LOCAL_ENTRIES = 200;
/** Codes never change for a product and page, so a replica keeps one it served until it is pushed out. */
const LOCAL_TTL_MS = 3600_000;
const RELEASE_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Products' mini-program codes (getwxacodeunlimit, scene = the product id, page = CATALOG_SHARE_PAGE), made once for
 * the cluster: the replica holding a Redis lock asks WeChat and stores the PNG as a public upload, recorded per product
 * and page; every other request (this replica's at once, other replicas' by polling) is answered from that stored file.
 */
@Injectable()
export class ShareCodeService {
  private readonly logger = new Logger(ShareCodeService.name);
  private readonly served = new LocalLru(LOCAL_ENTRIES);
  private readonly inFlight = new Map<string, Promise<ShareCodeImage>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: CatalogEnv,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly products: ProductRepository,
    private readonly codes: ShareCodeRepository,
    private readonly uploads: UploadClient,
    private readonly wechat: WechatServerApi,
  ) {}

  /** The code of a product on sale; PRODUCT_NOT_FOUND for an unknown or withdrawn one. */
  async image(productId: string): Promise<ShareCodeImage> {
    if (!(await this.products.isOnSale(productId))) throw new AppError('PRODUCT_NOT_FOUND', 'Product not found');
    const page = this.config.CATALOG_SHARE_PAGE;
    const key = `${productId}|${page}`;
    const served = this.served.get(key);
    if (served !== undefined) return fromJson(served);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.findOrMake(productId, page).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const image = await pending;
    this.served.set(key, toJson(image), LOCAL_TTL_MS);
    return image;
  }

  private async findOrMake(productId: string, page: string): Promise<ShareCodeImage> {
    const lockKey = `share-code:lock:${productId}:${page}`;
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const stored = await this.stored(productId, page);
      if (stored) return stored;
      const token = randomUUID();
      if (await this.redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX')) {
        try {
          // Another replica may have recorded it between our read and our lock.
          return (await this.stored(productId, page)) ?? (await this.make(productId, page));
        } finally {
          await this.redis.eval(RELEASE_IF_OURS, 1, lockKey, token).catch(() => undefined);
        }
      }
      if (Date.now() > deadline) throw new AppError('WECHAT_UNAVAILABLE', 'The share code is still being made, try again shortly');
      await sleep(POLL_MS);
    }
  }

  /** The recorded code's bytes; a record whose upload is gone is forgotten (and the code made again). */
  private async stored(productId: string, page: string): Promise<ShareCodeImage | undefined> {
    const uploadId = await this.codes.findUploadId(productId, page);
    if (!uploadId) return undefined;
    const file = await this.uploads.publicFile(uploadId);
    if (file) return { bytes: Buffer.from(file.contentBase64, 'base64'), mime: file.mime, sha256: file.sha256 };
    this.logger.warn({ msg: 'a share code was deleted from storage; making it again', productId, uploadId });
    await this.codes.forget(productId, page, uploadId);
    return undefined;
  }

  private async make(productId: string, page: string): Promise<ShareCodeImage> {
    let bytes: Buffer;
    try {
      bytes = await this.wechat.postForBytes('getwxacodeunlimit', '/wxa/getwxacodeunlimit', {
        scene: productId,
        page,
        // Outside production the page need not be published yet (a mini-program still in development).
        check_path: this.config.NODE_ENV === 'production',
      });
    } catch (error) {
      if (!(error instanceof WechatApiError)) throw error;
      this.logger.error({ msg: 'WeChat refused to make a share code', page, errcode: error.errcode, errmsg: error.errmsg });
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat could not make the share code, try again later');
    }
    const upload = await this.uploads.storeServiceFile(`share-code-${productId}.png`, bytes);
    await this.codes.record(productId, page, upload.id);
    this.logger.log({ msg: 'share code made', productId, page, uploadId: upload.id });
    return { bytes, mime: upload.mime, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
}

function toJson(image: ShareCodeImage): string {
  return JSON.stringify({ mime: image.mime, sha256: image.sha256, bytes: image.bytes.toString('base64') });
}

function fromJson(json: string): ShareCodeImage {
  const parsed = JSON.parse(json) as { mime: string; sha256: string; bytes: string };
  return { mime: parsed.mime, sha256: parsed.sha256, bytes: Buffer.from(parsed.bytes, 'base64') };
}
