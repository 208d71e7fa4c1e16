import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Authenticated, CurrentUserId, Public } from '#libs/auth';
import { IdParamDto, Page, PageQueryDto } from '#libs/contracts';
import { Idempotent } from '#libs/idempotency';
import { CreateAppointmentDto, ListAppointmentsQueryDto, SlotsQueryDto } from '../dtos/appointment-requests.dto';
import { AppointmentDto, ResourceDto, SlotDto } from '../dtos/appointment-views.dto';
import { AppointmentBookingService } from '../services/appointment-booking.service';
import { AppointmentResourcesService } from '../services/appointment-resources.service';

@Authenticated({ users: true })
@Controller('api/appointments')
export class AppointmentController {
  constructor(
    private readonly booking: AppointmentBookingService,
    private readonly resourceList: AppointmentResourcesService,
  ) {}

  /** Lists the resources that take bookings (services, rooms, doctors...). */
  @Public()
  @Get('resources')
  @ApiPageResponse(ResourceDto)
  resources(@Query() query: PageQueryDto): Promise<Page<ResourceDto>> {
    return this.resourceList.list(query, { includeInactive: false });
  }

  /** Lists a resource's open slots on a day that have not started, with the places left. */
  @Public()
  @Get('slots')
  @ApiPageResponse(SlotDto)
  @ApiErrors('RESOURCE_NOT_FOUND')
  slots(@Query() query: SlotsQueryDto): Promise<Page<SlotDto>> {
    return this.booking.bookableSlots(query);
  }

  /** Books one place in a slot for the caller. */
  @Idempotent()
  @Post()
  @ApiErrors('SLOT_NOT_FOUND', 'SLOT_CLOSED', 'SLOT_IN_PAST', 'SLOT_FULL', 'ALREADY_BOOKED', 'CONTENT_REJECTED', 'WECHAT_UNAVAILABLE')
  book(@CurrentUserId() userId: string, @Body() body: CreateAppointmentDto, @Headers('idempotency-key') key?: string): Promise<AppointmentDto> {
    return this.booking.book(userId, body, key);
  }

  /** Lists the caller's bookings, newest first. */
  @Get()
  @ApiPageResponse(AppointmentDto)
  list(@CurrentUserId() userId: string, @Query() query: ListAppointmentsQueryDto): Promise<Page<AppointmentDto>> {
    return this.booking.list(userId, query);
  }

  /** Shows one of the caller's bookings. */
  @Get(':id')
  @ApiErrors('APPOINTMENT_NOT_FOUND')
  get(@CurrentUserId() userId: string, @Param() params: IdParamDto): Promise<AppointmentDto> {
    return this.booking.get(userId, params.id);
  }

  /** Cancels one of the caller's bookings before its slot starts; the place is free again at once. */
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiErrors('APPOINTMENT_NOT_FOUND', 'APPOINTMENT_STATE_CONFLICT')
  cancel(@CurrentUserId() userId: string, @Param() params: IdParamDto): Promise<AppointmentDto> {
    return this.booking.cancel(userId, params.id);
  }
}
