import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsObject, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ID_PATTERN, Optional, OptionalOrNull, PageQueryDto, UserText } from '#libs/contracts';
import type { AppointmentStatus } from '../entities/appointment.entity';
import { AppointmentContactDto } from './contact.dto';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const APPOINTMENT_STATUSES: AppointmentStatus[] = ['booked', 'cancelled'];

/** POST /api/appointments */
export class CreateAppointmentDto {
  @Matches(ID_PATTERN, { message: 'slotId must be a slot id' })
  slotId: string;

  @IsObject()
  @ValidateNested()
  @Type(() => AppointmentContactDto)
  contact: AppointmentContactDto;

  @Optional()
  @UserText({ min: 0, max: 255, multiline: true })
  remark?: string;
}

/** GET /api/appointments/slots?resourceId=&date= (a day of the business's calendar). */
export class SlotsQueryDto {
  @Matches(ID_PATTERN, { message: 'resourceId must be a resource id' })
  resourceId: string;

  @Matches(DATE, { message: 'date must be YYYY-MM-DD' })
  date: string;
}

/** GET /api/appointments */
export class ListAppointmentsQueryDto extends PageQueryDto {
  @Optional()
  @IsIn(APPOINTMENT_STATUSES)
  status?: AppointmentStatus;
}

/** GET /api/appointments/admin/bookings: staff filters. */
export class AdminListAppointmentsQueryDto extends ListAppointmentsQueryDto {
  @Optional()
  @Matches(ID_PATTERN, { message: 'resourceId must be a resource id' })
  resourceId?: string;

  @Optional()
  @Matches(ID_PATTERN, { message: 'slotId must be a slot id' })
  slotId?: string;

  @Optional()
  @Matches(ID_PATTERN, { message: 'userId must be a user id' })
  userId?: string;

  /** Bookings of slots starting on this day of the business's calendar. */
  @Optional()
  @Matches(DATE, { message: 'date must be YYYY-MM-DD' })
  date?: string;
}

/** GET /api/appointments/admin/slots?resourceId=&date= (closed and past slots too). */
export class AdminSlotsQueryDto extends SlotsQueryDto {}

/** POST /api/appointments/admin/resources */
export class CreateResourceDto {
  @UserText({ max: 64 })
  name: string;

  /** What it is: `service`, `room`, `doctor`... */
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'kind must be a short lower-case word such as service, room or doctor' })
  kind: string;

  @Optional()
  @UserText({ max: 500, multiline: true })
  description?: string;
}

/** PATCH /api/appointments/admin/resources/:id */
export class UpdateResourceDto {
  @Optional()
  @UserText({ max: 64 })
  name?: string;

  @Optional()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'kind must be a short lower-case word' })
  kind?: string;

  /** null removes the description. */
  @OptionalOrNull()
  @UserText({ max: 500, multiline: true })
  description?: string | null;

  /** false: no new bookings, and its slots are no longer listed. */
  @Optional()
  @IsBoolean()
  active?: boolean;
}

/** One slot to create. */
export class SlotInputDto {
  @IsISO8601({ strict: true })
  startsAt: string;

  @IsISO8601({ strict: true })
  endsAt: string;

  @IsInt()
  @Min(1)
  @Max(10000)
  capacity: number;
}

/** POST /api/appointments/admin/slots: slots of one resource, created together or not at all. */
export class CreateSlotsDto {
  @Matches(ID_PATTERN, { message: 'resourceId must be a resource id' })
  resourceId: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => SlotInputDto)
  slots: SlotInputDto[];
}

/** PATCH /api/appointments/admin/slots/:id */
export class UpdateSlotDto {
  /** Not below the places already booked. */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(10000)
  capacity?: number;

  /** false closes the slot to new bookings (existing ones stand). */
  @Optional()
  @IsBoolean()
  open?: boolean;
}
