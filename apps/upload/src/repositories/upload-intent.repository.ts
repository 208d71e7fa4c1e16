import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { UploadIntent } from '../entities/upload-intent.entity';

/** Storage of unfinished storage work (uploads streaming in, presigned uploads, deletions). */
@Injectable()
export class UploadIntentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get intents() {
    return this.dataSource.getRepository(UploadIntent);
  }

  async create(intent: Omit<UploadIntent, 'createdAt'>): Promise<void> {
    await this.intents.insert(intent);
  }

  findById(id: string): Promise<UploadIntent | null> {
    return this.intents.findOneBy({ id });
  }

  async delete(id: string): Promise<void> {
    await this.intents.delete({ id });
  }

  /** Ids of intents past their expiry, oldest first. */
  async findExpiredIds(now: Date, limit: number): Promise<string[]> {
    const rows = await this.intents.find({ select: { id: true }, where: { expiresAt: LessThan(now) }, order: { expiresAt: 'ASC' }, take: limit });
    return rows.map((row) => row.id);
  }

  /**
   * Locks an expired intent (skipping one another sweeper or a finishing upload holds), lets `clean` remove
   * its objects, then deletes it; all in one transaction, so an upload can never complete onto removed bytes.
   */
  async sweep(id: string, now: Date, clean: (intent: UploadIntent) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<{ id: string }[]>('SELECT id FROM upload_intents WHERE id = ? AND expires_at < ? FOR UPDATE SKIP LOCKED', [id, now]);
      if (!rows.length) return false;
      const intent = await manager.getRepository(UploadIntent).findOneByOrFail({ id });
      await clean(intent);
      await manager.query('DELETE FROM upload_intents WHERE id = ?', [id]);
      return true;
    });
  }
}
