import { AppointmentResource } from '../entities/appointment-resource.entity';
import { AppointmentSlot } from '../entities/appointment-slot.entity';
import type { AppointmentStatus } from '../entities/appointment.entity';
import type { ActorKind } from '../entities/order-event.entity';
import type { AppointmentRow } from '../repositories/appointment.repository';

/** A bookable resource. */
export class ResourceDto {
  id: string;
  name: string;
  /** What it is: `service`, `room`, `doctor`... */
  kind: string;
  description: string | null;
  /** false: no new bookings, and its slots are not listed to users. */
  active: boolean;

  static from(resource: AppointmentResource): ResourceDto {
    return { id: resource.id, name: resource.name, kind: resource.kind, description: resource.description, active: Boolean(resource.active) };
  }
}

/** A slot with the places left. */
export class SlotDto {
  id: string;
  resourceId: string;
  startsAt: string;
  endsAt: string;
  /** Places in all. */
  capacity: number;
  /** Places still free. */
  remaining: number;

  static from(slot: AppointmentSlot): SlotDto {
    return {
      id: slot.id,
      resourceId: slot.resourceId,
      startsAt: slot.startsAt.toISOString(),
      endsAt: slot.endsAt.toISOString(),
      capacity: slot.capacity,
      remaining: Math.max(slot.capacity - slot.booked, 0),
    };
  }
}

/** A slot as staff see it. */
export class AdminSlotDto extends SlotDto {
  /** Places taken by bookings still standing. */
  booked: number;
  /** false: closed to new bookings. */
  open: boolean;

  static override from(slot: AppointmentSlot): AdminSlotDto {
    return { ...SlotDto.from(slot), booked: slot.booked, open: Boolean(slot.isOpen) };
  }
}

/** The slots just created, in the shape of a page (`nextCursor` is always null). */
export class AdminSlotPageDto {
  items: AdminSlotDto[];
  nextCursor: string | null;
}

/** Who comes to an appointment. */
export class AppointmentContactViewDto {
  name: string;
  phone: string;
}

/** A booking, with the slot and resource it is for. */
export class AppointmentDto {
  id: string;
  userId: string;
  slotId: string;
  resourceId: string;
  resourceName: string;
  startsAt: string;
  endsAt: string;
  status: AppointmentStatus;
  contact: AppointmentContactViewDto;
  remark: string | null;
  createdAt: string;
  cancelledAt: string | null;
  /** Who cancelled it: its owner (`user`) or `staff`; null while it stands. */
  cancelledBy: ActorKind | null;

  static from(row: AppointmentRow): AppointmentDto {
    return {
      id: row.id,
      userId: row.userId,
      slotId: row.slotId,
      resourceId: row.resourceId,
      resourceName: row.resourceName,
      startsAt: row.startsAt.toISOString(),
      endsAt: row.endsAt.toISOString(),
      status: row.status,
      contact: { name: row.contactName, phone: row.contactPhone },
      remark: row.remark,
      createdAt: row.createdAt.toISOString(),
      cancelledAt: row.cancelledAt ? row.cancelledAt.toISOString() : null,
      cancelledBy: row.cancelledByKind,
    };
  }
}
