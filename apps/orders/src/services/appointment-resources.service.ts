import { Injectable } from '@nestjs/common';
import { cursorBeforeId, Page, PageQueryDto, toPage } from '#libs/contracts';
import { ResourceDto } from '../dtos/appointment-views.dto';
import { AppointmentResourceRepository } from '../repositories/appointment-resource.repository';

/** The bookable resources, as users (active ones) and staff (all) list them. */
@Injectable()
export class AppointmentResourcesService {
  constructor(private readonly resources: AppointmentResourceRepository) {}

  async list(query: PageQueryDto, options: { includeInactive: boolean }): Promise<Page<ResourceDto>> {
    const rows = await this.resources.list({ includeInactive: options.includeInactive, beforeId: cursorBeforeId(query.cursor), limit: query.limit });
    return toPage(rows, query.limit, ResourceDto.from);
  }
}
