import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { CurrentPrincipal, Roles } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { IdParamDto, Page, PageQueryDto } from '#libs/contracts';
import {
  AdminListAppointmentsQueryDto,
  AdminSlotsQueryDto,
  CreateResourceDto,
  CreateSlotsDto,
  UpdateResourceDto,
  UpdateSlotDto,
} from '../dtos/appointment-requests.dto';
import { AdminSlotDto, AdminSlotPageDto, AppointmentDto, ResourceDto } from '../dtos/appointment-views.dto';
import { AppointmentAdminService } from '../services/appointment-admin.service';
import { AppointmentResourcesService } from '../services/appointment-resources.service';

@Roles('admin', 'staff')
@Controller('api/appointments/admin')
export class AppointmentAdminController {
  constructor(
    private readonly admin: AppointmentAdminService,
    private readonly resourceList: AppointmentResourcesService,
  ) {}

  /** Lists every resource, inactive ones included. */
  @Get('resources')
  @ApiPageResponse(ResourceDto)
  resources(@Query() query: PageQueryDto): Promise<Page<ResourceDto>> {
    return this.resourceList.list(query, { includeInactive: true });
  }

  /** Adds a bookable resource. */
  @Post('resources')
  createResource(@Body() body: CreateResourceDto): Promise<ResourceDto> {
    return this.admin.createResource(body);
  }

  /** Renames, describes, activates or deactivates a resource. */
  @Patch('resources/:id')
  @ApiErrors('RESOURCE_NOT_FOUND')
  updateResource(@Param() params: IdParamDto, @Body() body: UpdateResourceDto): Promise<ResourceDto> {
    return this.admin.updateResource(params.id, body);
  }

  /** Lists all slots of a resource on a day, closed and past ones included, with their bookings counted. */
  @Get('slots')
  @ApiPageResponse(AdminSlotDto)
  @ApiErrors('RESOURCE_NOT_FOUND')
  slots(@Query() query: AdminSlotsQueryDto): Promise<Page<AdminSlotDto>> {
    return this.admin.listSlots(query);
  }

  /** Creates slots of one resource, all of them or none. */
  @Post('slots')
  @ApiErrors('RESOURCE_NOT_FOUND', 'SLOT_EXISTS')
  createSlots(@Body() body: CreateSlotsDto): Promise<AdminSlotPageDto> {
    return this.admin.createSlots(body);
  }

  /** Changes a slot's capacity, or opens or closes it to new bookings. */
  @Patch('slots/:id')
  @ApiErrors('SLOT_NOT_FOUND', 'SLOT_CAPACITY_CONFLICT')
  updateSlot(@Param() params: IdParamDto, @Body() body: UpdateSlotDto): Promise<AdminSlotDto> {
    return this.admin.updateSlot(params.id, body);
  }

  /** Lists everyone's bookings, newest first, filtered by resource, slot, user, status or day. */
  @Get('bookings')
  @ApiPageResponse(AppointmentDto)
  bookings(@Query() query: AdminListAppointmentsQueryDto): Promise<Page<AppointmentDto>> {
    return this.admin.listBookings(query);
  }

  /** Cancels a booking (even once its slot has started, e.g. a no-show); the place is freed. */
  @Post('bookings/:id/cancel')
  @HttpCode(200)
  @ApiErrors('APPOINTMENT_NOT_FOUND', 'APPOINTMENT_STATE_CONFLICT')
  cancelBooking(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<AppointmentDto> {
    return this.admin.cancelBooking(principal.id, params.id);
  }
}
