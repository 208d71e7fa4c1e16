import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { describeError } from '#libs/errors';
import { MetricsRegistry } from '#libs/metrics';

/** How the bytes came: a multipart POST through the service, or a presigned direct upload then confirmed. */
export type UploadMethod = 'multipart' | 'presigned';

/** The upload service's business counters: uploads by method and result, and the bytes stored. */
@Injectable()
export class UploadMetrics {
  private readonly uploads: Counter<'method' | 'result'>;
  private readonly bytes: Counter<'method'>;

  constructor(metrics: MetricsRegistry) {
    this.uploads = metrics.counter({
      name: 'uploads_total',
      help: 'Uploads by method (multipart, presigned) and result (stored or the error code)',
      labelNames: ['method', 'result'],
    });
    this.bytes = metrics.counter({ name: 'upload_bytes_total', help: 'Bytes of the uploads stored, by method', labelNames: ['method'] });
  }

  stored(method: UploadMethod, size: number): void {
    this.uploads.inc({ method, result: 'stored' });
    this.bytes.inc({ method }, size);
  }

  refused(method: UploadMethod, error: unknown): void {
    this.uploads.inc({ method, result: describeError(error).code.toLowerCase() });
  }
}
