import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { ContentDeliveryService, ContentReply } from './content-delivery.service';
import { ReadAccess, UploadFilesService } from './upload-files.service';

const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

/** GET .../content: the upload if the reader may see it, as its bytes, a range, a 304 or a redirect. */
@Injectable()
export class UploadContentService {
  constructor(
    private readonly files: UploadFilesService,
    private readonly delivery: ContentDeliveryService,
  ) {}

  async content(id: string, variant: 'original' | 'thumb', access: ReadAccess, headers: IncomingHttpHeaders): Promise<ContentReply> {
    const upload = await this.files.findReadable(id, access);
    const validators = { range: single(headers.range), ifRange: single(headers['if-range']), ifNoneMatch: single(headers['if-none-match']) };
    return this.delivery.reply(upload, variant, validators, this.files.accessEndsAt(upload, access));
  }
}
