import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG } from '#libs/config';
import { cursorBeforeId, Page, PageQueryDto, singlePage, toPage } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { OrdersEnv } from '../config/orders-env';
import { CreateAppointmentDto, ListAppointmentsQueryDto, SlotsQueryDto } from '../dtos/appointment-requests.dto';
import { AppointmentDto, ResourceDto, SlotDto } from '../dtos/appointment-views.dto';
import { AppointmentResourceRepository } from '../repositories/appointment-resource.repository';
import { AppointmentSlotRepository } from '../repositories/appointment-slot.repository';
import { AppointmentRepository, AppointmentRow, BookingRefusal } from '../repositories/appointment.repository';
import { businessDay } from './business-time';

const REFUSALS: Record<Exclude<BookingRefusal, 'duplicate_key'>, AppError> = {
  missing: new AppError('SLOT_NOT_FOUND', 'No such slot'),
  closed: new AppError('SLOT_CLOSED', 'This slot is not taking bookings'),
  past: new AppError('SLOT_IN_PAST', 'This slot has already started'),
  full: new AppError('SLOT_FULL', 'This slot is full'),
  already_booked: new AppError('ALREADY_BOOKED', 'You already have a booking for this slot'),
};

/** What users do with appointments: see resources and free slots, book a place, see and cancel their bookings. */
@Injectable()
export class AppointmentBookingService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: OrdersEnv,
    private readonly resources: AppointmentResourceRepository,
    private readonly slots: AppointmentSlotRepository,
    private readonly appointments: AppointmentRepository,
  ) {}

  async listResources(query: PageQueryDto): Promise<Page<ResourceDto>> {
    const rows = await this.resources.list({ includeInactive: false, beforeId: cursorBeforeId(query.cursor), limit: query.limit });
    return toPage(rows, query.limit, ResourceDto.from);
  }

  /** The open slots of an active resource on a business day that have not started yet, with the places left. */
  async bookableSlots(query: SlotsQueryDto): Promise<Page<SlotDto>> {
    const day = this.day(query.date);
    const resource = await this.resources.findById(query.resourceId);
    if (!resource?.active) throw new AppError('RESOURCE_NOT_FOUND', 'No such resource');
    const slots = await this.slots.findStarting(resource.id, day.from, day.to, new Date());
    return singlePage(slots.map(SlotDto.from));
  }

  /** Books one place; a full, closed or past slot is 409 and writes nothing. */
  async book(userId: string, request: CreateAppointmentDto, idempotencyKey?: string): Promise<AppointmentDto> {
    const id = newId();
    const keyHash = idempotencyKey === undefined ? null : createHash('sha256').update(idempotencyKey).digest('base64url');
    const result = await this.appointments.book(
      { id, userId, slotId: request.slotId, contactName: request.contact.name, contactPhone: request.contact.phone, remark: request.remark ?? null, idempotencyKey: keyHash },
      new Date(),
    );
    if (!result.booked) {
      if (result.reason === 'duplicate_key') return this.existingForKey(userId, keyHash!);
      throw REFUSALS[result.reason];
    }
    return AppointmentDto.from((await this.appointments.findRow(id))!);
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
    const row = await this.appointments.cancel(id, { kind: 'user', id: userId }, now, (current: AppointmentRow) => {
      if (current.userId !== userId) throw new AppError('APPOINTMENT_NOT_FOUND', 'Appointment not found');
      if (current.status !== 'booked') throw new AppError('APPOINTMENT_STATE_CONFLICT', 'This appointment is already cancelled');
      if (current.startsAt <= now) throw new AppError('APPOINTMENT_STATE_CONFLICT', 'This appointment has already started');
    });
    if (!row) throw new AppError('APPOINTMENT_NOT_FOUND', 'Appointment not found');
    return AppointmentDto.from(row);
  }

  private day(date: string): { from: Date; to: Date } {
    try {
      return businessDay(date, this.config.BUSINESS_UTC_OFFSET);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field: 'date', message: 'date must be a real calendar day' }]);
    }
  }

  private async existingForKey(userId: string, keyHash: string): Promise<AppointmentDto> {
    const row = await this.appointments.findByIdempotencyKey(userId, keyHash);
    if (!row) throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly');
    return AppointmentDto.from(row);
  }
}
