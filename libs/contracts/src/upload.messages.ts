import { ArrayMaxSize, ArrayMinSize, Matches } from 'class-validator';
import { ID_PATTERN } from './id-param.dto';

/** Message patterns the upload service answers on the bus (one replica handles each). */
export const UPLOAD_MESSAGES = {
  /** GetUploadRequest → UploadSummary, or UPLOAD_NOT_FOUND. */
  getFile: 'upload.files.get',
  /** GetUploadsRequest → UploadSummary[] (unknown ids are left out of the reply). */
  getFiles: 'upload.files.getMany',
} as const;

/**
 * Events the upload service publishes: every service that subscribes gets each one, on one of its replicas.
 * Delivery is best effort (a service that is down misses it), so subscribers also check at read time.
 */
export const UPLOAD_EVENTS = {
  /** UploadsDeletedEvent: these uploads are gone; drop avatars, images and caches that refer to them. */
  deleted: 'upload.files.deleted',
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
  createdAt: string;
}
