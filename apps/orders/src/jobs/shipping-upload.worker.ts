import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ShippingUploadMetrics } from '../metrics/shipping-upload.metrics';
import { ShippingUploadRepository } from '../repositories/shipping-upload.repository';
import { ShippingUploadService } from '../services/shipping-upload.service';

/** How often every replica looks for due uploads (a ship also starts a pass at once on its replica). */
const POLL_MS = 1000;
const BATCH = 20;
/** How often the pending/failed gauge is read from the database. */
const GAUGE_EVERY_MS = 15000;

/**
 * Drains the shipping information outbox: every replica polls for due rows and claims them one by one under a lease
 * (see ShippingUploadRepository), so a replica's crash only delays its rows until their lease runs out.
 */
@Injectable()
export class ShippingUploadWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ShippingUploadWorker.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private again = false;
  private gaugeReadAt = 0;

  constructor(
    private readonly uploads: ShippingUploadRepository,
    private readonly uploader: ShippingUploadService,
    private readonly metrics: ShippingUploadMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** Starts a pass now, or right after the one under way. */
  kick(): void {
    if (!this.timer) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.drain()
      .catch((error: Error) => this.logger.warn({ msg: 'shipping upload pass failed; the next one retries', error: error.message }))
      .finally(() => {
        this.pass = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (const orderId of await this.uploads.findDue(BATCH)) {
      if (!this.timer) return;
      await this.uploader.uploadOne(orderId);
    }
    if (Date.now() - this.gaugeReadAt >= GAUGE_EVERY_MS) {
      this.gaugeReadAt = Date.now();
      this.metrics.counted(await this.uploads.countByState());
    }
  }
}
