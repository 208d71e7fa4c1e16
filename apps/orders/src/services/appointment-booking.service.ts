import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '#libs/config';
import { cursorBeforeId, Page, singlePage, toPage } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { OrdersEnv } from '../config/orders-env';
import { CreateAppointmentDto, ListAppointmentsQueryDto, SlotsQueryDto } from '../dtos/appointment-requests.dto';
import { AppointmentDto, SlotDto } from '../dtos/appointment-views.dto';
import { AppointmentResourceRepository } from '../repositories/appointment-resource.repository';
import { AppointmentSlotRepository, BookableSlot } from '../repositories/appointment-slot.repository';
import { AppointmentRepository, AppointmentRow, BookingCollision } from '../repositories/appointment.repository';
import { AppointmentCancellationService } from './appointment-cancellation.service';
import { requestedBusinessDay } from './business-time';
import { OrderEventsPublisher } from './order-events.publisher';
import { UserTextCheckService } from './user-text-check.service';

/** Why a booking is refused. */
type BookingRefusal = 'missing' | 'closed' | 'past' | 'full' | 'already_booked';

const REFUSALS: Record<BookingRefusal, AppError> = {
  missing: new AppError('SLOT_NOT_FOUND', 'No such slot'),
  closed: new AppError('SLOT_CLOSED', 'This slot is not taking bookings'),
  past: new AppError('SLOT_IN_PAST', 'This slot has already started'),
  full: new AppError('SLOT_FULL', 'This slot is full'),
  already_booked: new AppError('ALREADY_BOOKED', 'You already have a booking for this slot'),
};

/** Whether a slot takes one more booking now: it exists, is open, its resource active, has not started and has a place left. */
function refusalOf(slot: BookableSlot | null, now: Date): BookingRefusal | null {
  if (!slot) return 'missing';
  if (!slot.resourceActive || !slot.isOpen) return 'closed';
  if (slot.startsAt <= now) return 'past';
  return slot.booked >= slot.capacity ? 'full' : null;
}

/** What users do with appointments: see resources and free slots, book a place, see and cancel their bookings. */
@Injectable()
export class AppointmentBookingService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: OrdersEnv,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly resources: AppointmentResourceRepository,
    private readonly slots: AppointmentSlotRepository,
    private readonly appointments: AppointmentRepository,
    private readonly cancellation: AppointmentCancellationService,
    private readonly events: OrderEventsPublisher,
    private readonly texts: UserTextCheckService,
  ) {}

  /** The open slots of an active resource on a business day that have not started yet, with the places left. */
  async bookableSlots(query: SlotsQueryDto): Promise<Page<SlotDto>> {
    const day = requestedBusinessDay(query.date, this.config.BUSINESS_UTC_OFFSET);
    const resource = await this.resources.findById(query.resourceId);
    if (!resource?.active) throw new AppError('RESOURCE_NOT_FOUND', 'No such resource');
    const slots = await this.slots.findStarting(resource.id, day.from, day.to, new Date());
    return singlePage(slots.map(SlotDto.from));
  }

  /**
   * Books one place; a full, closed or past slot is 409 and writes nothing. The slot's row is locked while the place is
   * checked, taken and the booking inserted, so concurrent bookings can never exceed its capacity.
   */
  async book(userId: string, request: CreateAppointmentDto, idempotencyKey?: string): Promise<AppointmentDto> {
    await this.texts.assertSafe(userId, [{ text: request.remark, what: 'The remark' }]);
    const id = newId();
    const keyHash = idempotencyKey === undefined ? null : createHash('sha256').update(idempotencyKey).digest('base64url');
    const now = new Date();
    let refusal: BookingRefusal | null;
    try {
      refusal = await this.dataSource.transaction(async (manager) => {
        const slot = await this.slots.lockForBooking(manager, request.slotId);
        const refused = refusalOf(slot, now);
        if (refused || !slot) return refused;
        await this.slots.takePlace(manager, slot.id);
        await this.appointments.insertBooked(manager, {
          id,
          userId,
          slotId: slot.id,
          resourceId: slot.resourceId,
          contactName: request.contact.name,
          contactPhone: request.contact.phone,
          remark: request.remark ?? null,
          idempotencyKey: keyHash,
        });
        return null;
      });
    } catch (error) {
      if (!(error instanceof BookingCollision)) throw error;
      if (error.reason === 'duplicate_key') return this.existingForKey(userId, keyHash!);
      refusal = 'already_booked';
    }
    if (refusal) throw REFUSALS[refusal];
    const booked = (await this.appointments.findRow(id))!;
    await this.events.bookingMade(booked);
    return AppointmentDto.from(booked);
  }

  async list(userId: string, query: ListAppointmentsQueryDto): Promise<Page<AppointmentDto>> {
    const rows = await this.appointments.list({ userId, status: query.status, beforeId: cursorBeforeId(query.cursor), limit: query.limit });
    return toPage(rows, query.limit, AppointmentDto.from);
  }

  async get(userId: string, id: string): Promise<AppointmentDto> {
    const row = await this.appointments.findRow(id);
    if (!row || row.userId !== userId) throw new AppError('APPOINTMENT_NOT_FOUND', 'Appointment not found');
    return AppointmentDto.from(row);
  }

  /** The owner cancels before the slot starts; the place is free again at once. */
  async cancel(userId: string, id: string): Promise<AppointmentDto> {
    const now = new Date();
    const row = await this.cancellation.cancel(id, { kind: 'user', id: userId }, now, (current: AppointmentRow) => {
      if (current.userId !== userId) throw new AppError('APPOINTMENT_NOT_FOUND', 'Appointment not found');
      if (current.status !== 'booked') throw new AppError('APPOINTMENT_STATE_CONFLICT', 'This appointment is already cancelled');
      if (current.startsAt <= now) throw new AppError('APPOINTMENT_STATE_CONFLICT', 'This appointment has already started');
    });
    if (!row) throw new AppError('APPOINTMENT_NOT_FOUND', 'Appointment not found');
    return AppointmentDto.from(row);
  }

  private async existingForKey(userId: string, keyHash: string): Promise<AppointmentDto> {
    const row = await this.appointments.findByIdempotencyKey(userId, keyHash);
    if (!row) throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly');
    return AppointmentDto.from(row);
  }
}
