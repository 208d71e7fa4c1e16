import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { Principal } from '#libs/auth';
import { FileContent, StoreServiceFileRequest, UploadSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { ObjectMissingError, STORAGE_DRIVER } from '../clients/storage-driver';
import type { StorageDriver } from '../clients/storage-driver';
import { UploadRepository } from '../repositories/upload.repository';
import { UploadFilesService } from './upload-files.service';
import { UploadStoreService } from './upload-store.service';

/** The owner of files services make: the shop (staff-owned, so no person's quota), under an id no account has. */
const SERVICE_PRINCIPAL: Principal = { kind: 'staff', id: '00000000000000000000000000', sessionId: '', roles: [] };

/** Largest public file sent back over the bus: its base64 must fit in one NATS message with room to spare. */
const MAX_BUS_FILE_BYTES = 640 * 1024;

/** Files other services make and serve themselves (share codes): stored as public uploads, read back over the bus. */
@Injectable()
export class ServiceFilesService {
  constructor(
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly uploads: UploadRepository,
    private readonly store: UploadStoreService,
    private readonly files: UploadFilesService,
  ) {}

  /** Stores the bytes as a public file, typed and checked as every upload is (UPLOAD_TYPE_NOT_ALLOWED and the rest). */
  async storePublic(request: StoreServiceFileRequest): Promise<UploadSummary> {
    const bytes = Buffer.from(request.contentBase64, 'base64');
    const upload = await this.store.storeStream(Readable.from([bytes]), { principal: SERVICE_PRINCIPAL, isPublic: true, filename: request.filename });
    return this.files.summary(upload.id);
  }

  /** A public file's bytes; a private, missing or oversized one is UPLOAD_NOT_FOUND. */
  async readPublic(id: string): Promise<FileContent> {
    const upload = await this.uploads.findById(id);
    if (!upload?.isPublic || upload.size > MAX_BUS_FILE_BYTES) throw new AppError('UPLOAD_NOT_FOUND', 'No such public file');
    let bytes: Buffer;
    try {
      bytes = Buffer.concat(await (await this.storage.read(upload.storageKey)).toArray());
    } catch (error) {
      if (error instanceof ObjectMissingError) throw new AppError('UPLOAD_NOT_FOUND', 'The file is no longer stored');
      throw new AppError('STORAGE_UNAVAILABLE', 'File storage is unavailable, try again shortly');
    }
    return { id: upload.id, mime: upload.mime, sha256: upload.sha256, contentBase64: bytes.toString('base64') };
  }
}
