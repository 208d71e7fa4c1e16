import { ArrayMaxSize, ArrayMinSize, IsIn, Matches, MaxLength } from 'class-validator';
import { ID_PATTERN } from './id-param.dto';

/** Message patterns the upload service answers on the bus (one replica handles each). */
export const UPLOAD_MESSAGES = {
  /** GetUploadRequest → UploadSummary, or UPLOAD_NOT_FOUND. */
  getFile: 'upload.files.get',
  /** GetUploadsRequest → UploadSummary[] (unknown ids are left out of the reply). */
  getFiles: 'upload.files.getMany',
  /** StoreServiceFileRequest → UploadSummary: bytes a service made (share codes) stored as a public file owned by the shop. */
  storeServiceFile: 'upload.files.storeService',
  /** GetUploadRequest → FileContent of a public file, or UPLOAD_NOT_FOUND (private files never travel on the bus). */
  readPublicFile: 'upload.files.readPublic',
  /** CheckImagesRequest → UploadSummary[]: images about to be shown to others go through WeChat's mediaCheckAsync (once each). */
  checkImages: 'upload.files.checkImages',
} as const;

/**
 * Events the upload service publishes: every service that subscribes gets each one, on one of its replicas.
 * Delivery is best effort (a service that is down misses it), so subscribers also check at read time.
 */
export const UPLOAD_EVENTS = {
  /** UploadsDeletedEvent: these uploads are gone; drop avatars, images and caches that refer to them. */
  deleted: 'upload.files.deleted',
  /** UploadsDeletedEvent: WeChat found these images risky; they are served to staff only from now on, so drop avatars showing them. */
  blocked: 'upload.files.blocked',
} as const;

/** Uploads that were deleted. */
export class UploadsDeletedEvent {
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(ID_PATTERN, { each: true })
  ids: string[];
}

/** Ask for one stored upload. */
export class GetUploadRequest {
  @Matches(ID_PATTERN)
  id: string;
}

/** Ask for several stored uploads at once (product galleries). */
export class GetUploadsRequest {
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(ID_PATTERN, { each: true })
  ids: string[];
}

/** Where an image stands in WeChat's media check: null for one never shown to others (nor checked). */
export type MediaCheckStatus = 'pending' | 'pass' | 'risky';

/** Images a user chose to show to others (an avatar, after-sale photos): each must be theirs; unchecked ones are sent to WeChat. */
export class CheckImagesRequest {
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @Matches(ID_PATTERN, { each: true })
  ids: string[];

  /** The user's openid, as mediaCheckAsync asks for it. */
  @Matches(/^[\w-]{1,64}$/)
  openid: string;

  /** mediaCheckAsync's scene: 1 profile, 2 comment, 3 forum, 4 social log. */
  @IsIn([1, 2, 3, 4])
  scene: 1 | 2 | 3 | 4;
}

/** Bytes a service made, to keep as a public file (typed by their bytes and checked like any upload). */
export class StoreServiceFileRequest {
  /** The name given to downloads, e.g. `share-code.png`. */
  @Matches(/^[\w.-]{1,100}$/)
  filename: string;

  /** The bytes, base64 (NATS carries at most 1 MB per message). */
  @Matches(/^[A-Za-z0-9+/]+={0,2}$/)
  @MaxLength(900_000)
  contentBase64: string;
}

/** A public file's bytes as they travel on the bus. */
export interface FileContent {
  id: string;
  mime: string;
  /** The stored bytes' SHA-256, hex: a stable ETag. */
  sha256: string;
  contentBase64: string;
}

/** What other services may know of an upload: enough to check ownership and type, and to link to it. */
export interface UploadSummary {
  id: string;
  ownerKind: 'user' | 'staff';
  ownerId: string;
  public: boolean;
  /** Detected from the bytes, e.g. `image/jpeg`. */
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  /** Where clients fetch the bytes (private files also need the owner's token or a signed URL). */
  url: string;
  /** The thumbnail variant (the original is served until it is made). */
  thumbUrl: string;
  /** WeChat's media check: `pending` until its result, `risky` is blocked (served to staff only), null when never checked. */
  mediaCheck: MediaCheckStatus | null;
  createdAt: string;
}
