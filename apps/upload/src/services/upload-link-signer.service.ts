import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '#libs/config';
import { UploadEnv } from '../config/upload-env';
import { Upload } from '../entities/upload.entity';

/** Where clients fetch an upload's bytes. */
export interface UploadLinks {
  url: string;
  thumbUrl: string;
}

/** A valid signed link as its holder sent it: `exp` in epoch seconds. */
export interface SignedLink {
  exp: number;
  sig: string;
}

/**
 * Builds the URLs replies carry. A private file's links are signed (`exp`, `sig`) when a signing secret is
 * configured, so an <image src> can show it without an Authorization header until the link expires.
 */
@Injectable()
export class UploadLinkSignerService {
  constructor(@Inject(APP_CONFIG) private readonly config: UploadEnv) {}

  /** The canonical links (no signature): what other services store and show. */
  canonical(id: string): UploadLinks {
    const url = `${this.config.UPLOAD_PUBLIC_BASE_URL ?? ''}/api/uploads/${id}/content`;
    return { url, thumbUrl: `${url}?variant=thumb` };
  }

  /** Links for the owner: signed for a private file when signing is on. */
  forClient(upload: Upload, now = Date.now()): UploadLinks {
    const links = this.canonical(upload.id);
    if (upload.isPublic || !this.config.UPLOAD_URL_SIGNING_SECRET) return links;
    const exp = Math.floor(now / 1000) + this.config.UPLOAD_PRIVATE_LINK_TTL_SECONDS;
    const query = `exp=${exp}&sig=${this.signature(upload.id, exp)}`;
    return { url: `${links.url}?${query}`, thumbUrl: `${links.url}?variant=thumb&${query}` };
  }

  /**
   * A link WeChat's media check can fetch the original from: absolute (UPLOAD_MEDIA_CHECK_BASE_URL, else
   * UPLOAD_PUBLIC_BASE_URL) and signed for `ttlSeconds`; undefined without an origin or a signing secret.
   */
  forMediaCheck(id: string, ttlSeconds: number, now = Date.now()): string | undefined {
    const origin = this.config.UPLOAD_MEDIA_CHECK_BASE_URL ?? this.config.UPLOAD_PUBLIC_BASE_URL;
    if (!origin || !this.config.UPLOAD_URL_SIGNING_SECRET) return undefined;
    const exp = Math.floor(now / 1000) + ttlSeconds;
    return `${origin}/api/uploads/${id}/content?exp=${exp}&sig=${this.signature(id, exp)}`;
  }

  /** The links of a signed link's holder: the very `exp`/`sig` they came with, never a later expiry. */
  asGiven(id: string, link: SignedLink): UploadLinks {
    const { url } = this.canonical(id);
    const query = `exp=${link.exp}&sig=${link.sig}`;
    return { url: `${url}?${query}`, thumbUrl: `${url}?variant=thumb&${query}` };
  }

  /** The link `exp`/`sig` names, if they are a valid, unexpired signature for upload `id`. */
  signedLink(id: string, exp: string | undefined, sig: string | undefined, now = Date.now()): SignedLink | undefined {
    return this.verify(id, exp, sig, now) ? { exp: Number(exp), sig: sig! } : undefined;
  }

  /** Whether `exp`/`sig` from a link are a valid, unexpired signature for upload `id`. */
  verify(id: string, exp: string | undefined, sig: string | undefined, now = Date.now()): boolean {
    if (!this.config.UPLOAD_URL_SIGNING_SECRET || !exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
    if (Number(exp) * 1000 < now) return false;
    const expected = Buffer.from(this.signature(id, Number(exp)));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private signature(id: string, exp: number): string {
    return createHmac('sha256', this.config.UPLOAD_URL_SIGNING_SECRET!).update(`${id}.${exp}`).digest('base64url');
  }
}
