import { DynamicModule, Module } from '@nestjs/common';
import { SIGNED_LINKS, SignedLinkVerifier } from '#libs/auth';
import { PlatformModule } from '#libs/bootstrap';
import { QueuesModule } from '#libs/queues';
import { WechatModule } from '#libs/wechat';
import { UploadEnv } from './config/upload-env';
import { UploadContentController } from './controllers/upload-content.controller';
import { UploadController } from './controllers/upload.controller';
import { StorageSweepJobs } from './jobs/storage-sweep.jobs';
import { ThumbnailJobs } from './jobs/thumbnail.jobs';
import { MediaCheckHandler } from './messages/media-check.handler';
import { ServiceFilesHandler } from './messages/service-files.handler';
import { UploadLookupHandler } from './messages/upload-lookup.handler';
import { UploadMetrics } from './metrics/upload.metrics';
import { UploadIntentRepository } from './repositories/upload-intent.repository';
import { UploadRepository } from './repositories/upload.repository';
import { ContentDeliveryService } from './services/content-delivery.service';
import { MediaCheckService } from './services/media-check.service';
import { MultipartUploadService } from './services/multipart-upload.service';
import { PresignedUploadService } from './services/presigned-upload.service';
import { ServiceFilesService } from './services/service-files.service';
import { StorageSweeperService } from './services/storage-sweeper.service';
import { ThumbnailService } from './services/thumbnail.service';
import { UploadContentService } from './services/upload-content.service';
import { UploadFilesService } from './services/upload-files.service';
import { SignedLink, UploadLinkSignerService } from './services/upload-link-signer.service';
import { UploadPolicyService } from './services/upload-policy.service';
import { UploadStoreService } from './services/upload-store.service';
import { UPLOAD_SCHEMA } from './upload-schema';
import { storageProvider } from './clients/storage.provider';

/** The upload service: files from wx.uploadFile into object storage, typed by their bytes, served with thumbnails. */
@Module({})
export class UploadModule {
  static register(config: UploadEnv): DynamicModule {
    return {
      module: UploadModule,
      imports: [PlatformModule.forService('upload', config, UPLOAD_SCHEMA), QueuesModule, WechatModule.forService()],
      controllers: [UploadController, UploadContentController, UploadLookupHandler, ServiceFilesHandler, MediaCheckHandler],
      providers: [
        UploadMetrics,
        storageProvider,
        UploadRepository,
        UploadIntentRepository,
        UploadPolicyService,
        UploadLinkSignerService,
        {
          // The content routes' signed links (GET /api/uploads/:id[/content]?exp=&sig=) for the auth guard.
          provide: SIGNED_LINKS,
          inject: [UploadLinkSignerService],
          useFactory: (links: UploadLinkSignerService): SignedLinkVerifier<SignedLink> => ({
            verify: ({ params, query }) => (params.id === undefined ? undefined : links.signedLink(params.id, query.exp, query.sig)),
          }),
        },
        ThumbnailService,
        ThumbnailJobs,
        StorageSweeperService,
        StorageSweepJobs,
        UploadStoreService,
        MultipartUploadService,
        PresignedUploadService,
        UploadFilesService,
        ContentDeliveryService,
        UploadContentService,
        ServiceFilesService,
        MediaCheckService,
      ],
    };
  }
}
