import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThan } from 'typeorm';
import { Article } from '../entities/article.entity';
import { Banner } from '../entities/banner.entity';

/** Articles and banners. */
@Injectable()
export class ContentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get articles() {
    return this.dataSource.getRepository(Article);
  }

  private get banners() {
    return this.dataSource.getRepository(Banner);
  }

  /** Published articles newest first, without their bodies. */
  findPublishedPage(limit: number, beforeId?: string): Promise<Pick<Article, 'id' | 'title' | 'summary' | 'coverImage' | 'createdAt'>[]> {
    return this.articles.find({
      select: { id: true, title: true, summary: true, coverImage: true, createdAt: true },
      where: { published: true, ...(beforeId ? { id: LessThan(beforeId) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  /** Every article newest first, drafts too, without their bodies (the staff's list). */
  findPage(limit: number, beforeId?: string): Promise<Pick<Article, 'id' | 'title' | 'summary' | 'coverImage' | 'createdAt' | 'published'>[]> {
    return this.articles.find({
      select: { id: true, title: true, summary: true, coverImage: true, createdAt: true, published: true },
      where: beforeId ? { id: LessThan(beforeId) } : {},
      order: { id: 'DESC' },
      take: limit,
    });
  }

  /** Ids of the articles whose cover is one of the upload ids `uploadIds`. */
  async findArticleIdsWithCover(uploadIds: string[]): Promise<string[]> {
    return (await this.articles.find({ select: { id: true }, where: { coverImage: In(uploadIds) } })).map((article) => article.id);
  }

  findArticle(id: string): Promise<Article | null> {
    return this.articles.findOneBy({ id });
  }

  async insertArticle(article: Omit<Article, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.articles.insert(article);
  }

  async updateArticle(id: string, changes: Partial<Omit<Article, 'id' | 'createdAt' | 'updatedAt'>>): Promise<boolean> {
    return (await this.articles.update({ id }, changes)).affected === 1;
  }

  async deleteArticle(id: string): Promise<boolean> {
    return (await this.articles.delete({ id })).affected === 1;
  }

  findActiveBanners(): Promise<Banner[]> {
    return this.banners.find({ where: { active: true }, order: { sortOrder: 'ASC', id: 'ASC' } });
  }

  /** Every banner, active or not, in display order. */
  findAllBanners(): Promise<Banner[]> {
    return this.banners.find({ order: { sortOrder: 'ASC', id: 'ASC' } });
  }

  findBanner(id: string): Promise<Banner | null> {
    return this.banners.findOneBy({ id });
  }

  async insertBanner(banner: Omit<Banner, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.banners.insert(banner);
  }

  async updateBanner(id: string, changes: Partial<Omit<Banner, 'id' | 'createdAt' | 'updatedAt'>>): Promise<boolean> {
    return (await this.banners.update({ id }, changes)).affected === 1;
  }

  async deleteBanner(id: string): Promise<boolean> {
    return (await this.banners.delete({ id })).affected === 1;
  }
}
