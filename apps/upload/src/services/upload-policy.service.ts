import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '#libs/auth';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { UploadEnv } from '../config/upload-env';
import { UploadRepository } from '../repositories/upload.repository';
import { InspectionRules } from '../helpers/file-inspector';

/** The configured limits: size, types, pixels, and who may store how much. */
@Injectable()
export class UploadPolicyService {
  private readonly allowedTypes: ReadonlySet<string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: UploadEnv,
    private readonly uploads: UploadRepository,
  ) {
    this.allowedTypes = new Set(config.UPLOAD_ALLOWED_TYPES);
  }

  get maxBytes(): number {
    return this.config.UPLOAD_MAX_BYTES;
  }

  isAllowedType(mime: string): boolean {
    return this.allowedTypes.has(mime);
  }

  /** What a file from `filename` (expected to be `expectedMime`) is checked against. */
  rules(filename: string | null, expectedMime?: string): InspectionRules {
    return {
      maxBytes: this.config.UPLOAD_MAX_BYTES,
      allowedTypes: this.allowedTypes,
      maxImagePixels: this.config.UPLOAD_MAX_IMAGE_PIXELS,
      filename: filename ?? undefined,
      expectedMime,
    };
  }

  /** The owner's quota in bytes; 0 is none (staff). */
  quotaFor(principal: Principal): number {
    return principal.kind === 'staff' ? 0 : this.config.UPLOAD_USER_QUOTA_BYTES;
  }

  /** Refuses at once a file of about `bytes` that cannot fit in the owner's quota (the exact check is when it is stored). */
  async assertRoomFor(principal: Principal, bytes: number): Promise<void> {
    const quota = this.quotaFor(principal);
    if (!quota) return;
    const used = await this.uploads.usedBytes(principal.kind, principal.id);
    if (used + Math.max(1, bytes) > quota) {
      throw new AppError('UPLOAD_QUOTA_EXCEEDED', `Storing this file would go over your quota of ${quota} bytes (${used} used)`);
    }
  }

  /** Public files are the shop's (product images, banners): staff only. */
  assertMayPublish(principal: Principal, isPublic: boolean): void {
    if (isPublic && principal.kind !== 'staff') throw new AppError('FORBIDDEN', 'Only staff can upload public files');
  }
}
