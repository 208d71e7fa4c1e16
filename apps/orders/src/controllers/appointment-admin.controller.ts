import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
import { AdminSlotDto, AppointmentDto, ResourceDto } from '../dtos/appointment-views.dto';
import { AppointmentAdminService } from '../services/appointment-admin.service';
import { AppointmentResourcesService } from '../services/appointment-resources.service';

@Roles('admin', 'staff')
@Controller('api/appointments/admin')
export class AppointmentAdminController {
  constructor(
    private readonly admin: AppointmentAdminService,
    private readonly resourceList: AppointmentResourcesService,
  ) {}

  @Get('resources')
  resources(@Query() query: PageQueryDto): Promise<Page<ResourceDto>> {
    return this.resourceList.list(query, { includeInactive: true });
  }

  @Post('resources')
  createResource(@Body() body: CreateResourceDto): Promise<ResourceDto> {
    return this.admin.createResource(body);
  }

  @Patch('resources/:id')
  updateResource(@Param() params: IdParamDto, @Body() body: UpdateResourceDto): Promise<ResourceDto> {
    return this.admin.updateResource(params.id, body);
  }

  @Get('slots')
  slots(@Query() query: AdminSlotsQueryDto): Promise<Page<AdminSlotDto>> {
    return this.admin.listSlots(query);
  }

  @Post('slots')
  createSlots(@Body() body: CreateSlotsDto): Promise<Page<AdminSlotDto>> {
    return this.admin.createSlots(body);
  }

  @Patch('slots/:id')
  updateSlot(@Param() params: IdParamDto, @Body() body: UpdateSlotDto): Promise<AdminSlotDto> {
    return this.admin.updateSlot(params.id, body);
  }

  @Get('bookings')
  bookings(@Query() query: AdminListAppointmentsQueryDto): Promise<Page<AppointmentDto>> {
    return this.admin.listBookings(query);
  }

  @Post('bookings/:id/cancel')
  @HttpCode(200)
  cancelBooking(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<AppointmentDto> {
    return this.admin.cancelBooking(principal.id, params.id);
  }
}
