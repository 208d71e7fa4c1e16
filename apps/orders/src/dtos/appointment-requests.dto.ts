import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsObject, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ID_PATTERN, Optional, OptionalOrNull, PageQueryDto, UserText } from '#libs/contracts';
import type { AppointmentStatus } from '../entities/appointment.entity';
import { AppointmentContactDto } from './contact.dto';

const APPOINTMENT_STATUSES: AppointmentStatus[] = ['booked', 'cancelled'];

/** POST /api/appointments */
export class CreateAppointmentDto {
  /** @example 01JD3Q8Y5M7T2K9X4C6V8B0N1P */
  @Matches(ID_PATTERN, { message: 'slotId must be a slot id' })
  slotId: string;

  @IsObject()
  @ValidateNested()
  @Type(() => AppointmentContactDto)
  contact: AppointmentContactDto;

  /**
   * Checked by WeChat's content security before anything is stored (422 CONTENT_REJECTED when refused).
   * @example 第一次来，想咨询一下
   */
  @Optional()
  @UserText({ min: 0, max: 255, multiline: true })
  remark?: string;
}

/** GET /api/appointments/slots?resourceId=&date= (a day of the business's calendar). */
export class SlotsQueryDto {
  /** @example 01JD3Q8Y5M7T2K9X4C6V8B0N1P */
  @Matches(ID_PATTERN, { message: 'resourceId must be a resource id' })
  resourceId: string;

  /**
   * A day of the business's calendar (YYYY-MM-DD).
   * @example 2026-12-03
   */
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
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

  /**
   * Bookings of slots starting on this day of the business's calendar (YYYY-MM-DD).
   * @example 2026-12-03
   */
  @Optional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  date?: string;
}

/** GET /api/appointments/admin/slots?resourceId=&date= (closed and past slots too). */
export class AdminSlotsQueryDto extends SlotsQueryDto {}

/** POST /api/appointments/admin/resources */
export class CreateResourceDto {
  /** @example 王医生 */
  @UserText({ max: 64 })
  name: string;

  /**
   * What it is: `service`, `room`, `doctor`...
   * @example doctor
   */
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
  /**
   * In the future.
   * @example 2026-12-03T02:00:00.000Z
   */
  @IsISO8601({ strict: true })
  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  /**
   * After `startsAt`, at most 24 h later.
   * @example 2026-12-03T02:30:00.000Z
   */
  @IsISO8601({ strict: true })
  @ApiProperty({ format: 'date-time' })
  endsAt: string;

  /**
   * How many bookings the slot takes.
   * @example 4
   */
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
  /**
   * Not below the places already booked.
   * @example 6
   */
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
