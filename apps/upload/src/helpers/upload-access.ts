import type { Principal } from '#libs/auth';
import { Upload } from '../entities/upload.entity';

/** Whether `principal` owns `upload`. */
export function isOwner(upload: Pick<Upload, 'ownerKind' | 'ownerId'>, principal: Principal | undefined): boolean {
  return !!principal && principal.kind === upload.ownerKind && principal.id === upload.ownerId;
}

/** Public files: anyone; private files: the owner and staff. */
export function canRead(upload: Upload, principal: Principal | undefined): boolean {
  return upload.isPublic || isOwner(upload, principal) || principal?.kind === 'staff';
}

/** The owner; and any staff account for files staff uploaded (product images, banners are the shop's, not one employee's). */
export function canDelete(upload: Upload, principal: Principal): boolean {
  return isOwner(upload, principal) || (principal.kind === 'staff' && upload.ownerKind === 'staff');
}
