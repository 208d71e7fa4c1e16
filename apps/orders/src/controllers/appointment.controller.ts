import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Public, userIdOf } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { IdParamDto, Page, PageQueryDto } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { CreateAppointmentDto, ListAppointmentsQueryDto, SlotsQueryDto } from '../dtos/appointment-requests.dto';
import { AppointmentDto, ResourceDto, SlotDto } from '../dtos/appointment-views.dto';
import { AppointmentBookingService } from '../services/appointment-booking.service';
import { AppointmentResourcesService } from '../services/appointment-resources.service';

@Controller('api/appointments')
export class AppointmentController {
  constructor(
    private readonly booking: AppointmentBookingService,
    private readonly resourceList: AppointmentResourcesService,
  ) {}

  @Public()
  @Get('resources')
  resources(@Query() query: PageQueryDto): Promise<Page<ResourceDto>> {
    return this.resourceList.list(query, { includeInactive: false });
  }

  @Public()
  @Get('slots')
  slots(@Query() query: SlotsQueryDto): Promise<Page<SlotDto>> {
    return this.booking.bookableSlots(query);
  }

  @Idempotent()
  @Post()
  book(@CurrentPrincipal() principal: Principal, @Body() body: CreateAppointmentDto, @Headers('idempotency-key') key?: string): Promise<AppointmentDto> {
    return this.booking.book(userIdOf(principal), body, key);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAppointmentsQueryDto): Promise<Page<AppointmentDto>> {
    return this.booking.list(userIdOf(principal), query);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<AppointmentDto> {
    return this.booking.get(userIdOf(principal), params.id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() principal: Principal, @Param() params: IdParamDto): Promise<AppointmentDto> {
    return this.booking.cancel(userIdOf(principal), params.id);
  }
}
