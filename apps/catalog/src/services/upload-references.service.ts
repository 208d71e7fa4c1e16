import { Injectable } from '@nestjs/common';
import { JsonCache } from '#libs/cache';
import { UploadClient } from '../clients/upload.client';
import { ContentRepository } from '../repositories/content.repository';
import { ProductRepository } from '../repositories/product.repository';
import { CACHE_NAMESPACES as NS } from './cache-namespaces';

/**
 * Deleted uploads vanish from what the catalog shows, by two paths: upload's upload.files.deleted event drops
 * the cached pages that show them at once, and every rebuild of a page asks upload which of its images are
 * gone and leaves those out (an event is lost when no catalog replica hears it; the rows keep the reference).
 */
@Injectable()
export class UploadReferencesService {
  constructor(
    private readonly uploads: UploadClient,
    private readonly products: ProductRepository,
    private readonly content: ContentRepository,
    private readonly cache: JsonCache,
  ) {}

  /** Whether to show an image reference: not when it names a deleted upload (URLs are always kept). */
  async keptAmong(references: (string | null | undefined)[]): Promise<(reference: string) => boolean> {
    const deleted = await this.uploads.deletedAmong(references);
    return (reference) => !deleted.has(reference);
  }

  /** Forgets every cached page that may show one of the deleted uploads `uploadIds`. */
  async uploadsDeleted(uploadIds: string[]): Promise<void> {
    const [productIds, articleIds] = await Promise.all([this.products.findIdsShowingUploads(uploadIds), this.content.findArticleIdsWithCover(uploadIds)]);
    await this.cache.invalidate(NS.home, NS.productLists, NS.articleLists, ...productIds.map(NS.product), ...articleIds.map(NS.article));
  }
}
