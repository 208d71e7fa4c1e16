import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { cursorBeforeId, Page, singlePage, toPage } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { OrdersEnv } from '../config/orders-env';
import {
  AdminListAppointmentsQueryDto,
  AdminSlotsQueryDto,
  CreateResourceDto,
  CreateSlotsDto,
  UpdateResourceDto,
  UpdateSlotDto,
} from '../dtos/appointment-requests.dto';
import { AdminSlotDto, AdminSlotPageDto, AppointmentDto, ResourceDto } from '../dtos/appointment-views.dto';
import { AppointmentResourceRepository } from '../repositories/appointment-resource.repository';
import { AppointmentSlotRepository, DuplicateSlotError } from '../repositories/appointment-slot.repository';
import { AppointmentRepository } from '../repositories/appointment.repository';
import { AppointmentCancellationService } from './appointment-cancellation.service';
import { requestedBusinessDay } from './business-time';

/** Longest a slot may last. */
const MAX_SLOT_MS = 24 * 3600 * 1000;

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field, message }]);
}

/** Staff's side of appointments: resources, their slots and capacities, and everyone's bookings. */
@Injectable()
export class AppointmentAdminService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: OrdersEnv,
    private readonly resources: AppointmentResourceRepository,
    private readonly slots: AppointmentSlotRepository,
    private readonly appointments: AppointmentRepository,
    private readonly cancellation: AppointmentCancellationService,
  ) {}

  async createResource(request: CreateResourceDto): Promise<ResourceDto> {
    return ResourceDto.from(await this.resources.insert({ id: newId(), name: request.name, kind: request.kind, description: request.description ?? null }));
  }

  async updateResource(id: string, request: UpdateResourceDto): Promise<ResourceDto> {
    const changes = Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));
    if (!(await this.resources.update(id, changes))) throw new AppError('RESOURCE_NOT_FOUND', 'No such resource');
    return ResourceDto.from((await this.resources.findById(id))!);
  }

  /** Creates slots for a resource, all or none; a start time the resource already has is 409 SLOT_EXISTS. */
  async createSlots(request: CreateSlotsDto): Promise<AdminSlotPageDto> {
    const resource = await this.resources.findById(request.resourceId);
    if (!resource) throw new AppError('RESOURCE_NOT_FOUND', 'No such resource');
    const starts = new Set<number>();
    const slots = request.slots.map((slot, index) => {
      const [startsAt, endsAt] = [new Date(slot.startsAt), new Date(slot.endsAt)];
      if (endsAt <= startsAt || endsAt.getTime() - startsAt.getTime() > MAX_SLOT_MS)
        throw invalid(`slots.${index}.endsAt`, 'endsAt must be after startsAt, at most 24 h later');
      if (startsAt.getTime() <= Date.now()) throw invalid(`slots.${index}.startsAt`, 'startsAt must be in the future');
      if (starts.has(startsAt.getTime())) throw invalid(`slots.${index}.startsAt`, 'two slots start at the same time');
      starts.add(startsAt.getTime());
      return { id: newId(), resourceId: resource.id, startsAt, endsAt, capacity: slot.capacity };
    });
    try {
      return singlePage((await this.slots.insertAll(slots)).map(AdminSlotDto.from));
    } catch (error) {
      if (error instanceof DuplicateSlotError) throw new AppError('SLOT_EXISTS', 'The resource already has a slot starting at one of these times');
      throw error;
    }
  }

  /** All slots of a resource on a business day, closed and past ones included. */
  async listSlots(query: AdminSlotsQueryDto): Promise<Page<AdminSlotDto>> {
    const day = requestedBusinessDay(query.date, this.config.BUSINESS_UTC_OFFSET);
    if (!(await this.resources.findById(query.resourceId))) throw new AppError('RESOURCE_NOT_FOUND', 'No such resource');
    return singlePage((await this.slots.findStarting(query.resourceId, day.from, day.to)).map(AdminSlotDto.from));
  }

  async updateSlot(id: string, request: UpdateSlotDto): Promise<AdminSlotDto> {
    const outcome = await this.slots.update(id, { capacity: request.capacity, isOpen: request.open });
    if (outcome === 'missing') throw new AppError('SLOT_NOT_FOUND', 'No such slot');
    if (outcome === 'below_booked') throw new AppError('SLOT_CAPACITY_CONFLICT', 'More places are already booked than that capacity');
    return AdminSlotDto.from((await this.slots.findById(id))!);
  }

  async listBookings(query: AdminListAppointmentsQueryDto): Promise<Page<AppointmentDto>> {
    const day = query.date ? requestedBusinessDay(query.date, this.config.BUSINESS_UTC_OFFSET) : undefined;
    const rows = await this.appointments.list({
      userId: query.userId,
      resourceId: query.resourceId,
      slotId: query.slotId,
      status: query.status,
      startsFrom: day?.from,
      startsTo: day?.to,
      beforeId: cursorBeforeId(query.cursor),
      limit: query.limit,
    });
    return toPage(rows, query.limit, AppointmentDto.from);
  }

  /** Staff cancel a booking (even once the slot has started, e.g. a no-show); the place is freed. */
  async cancelBooking(staffId: string, id: string): Promise<AppointmentDto> {
    const row = await this.cancellation.cancel(id, { kind: 'staff', id: staffId }, new Date(), (current) => {
      if (current.status !== 'booked') throw new AppError('APPOINTMENT_STATE_CONFLICT', 'This appointment is already cancelled');
    });
    if (!row) throw new AppError('APPOINTMENT_NOT_FOUND', 'Appointment not found');
    return AppointmentDto.from(row);
  }
}
