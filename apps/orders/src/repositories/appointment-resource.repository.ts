import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppointmentResource } from '../entities/appointment-resource.entity';

/** Storage of bookable resources. */
@Injectable()
export class AppointmentResourceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get resources() {
    return this.dataSource.getRepository(AppointmentResource);
  }

  async insert(resource: Pick<AppointmentResource, 'id' | 'name' | 'kind' | 'description'>): Promise<AppointmentResource> {
    await this.resources.insert({ ...resource, active: true });
    return this.resources.findOneByOrFail({ id: resource.id });
  }

  findById(id: string): Promise<AppointmentResource | null> {
    return this.resources.findOneBy({ id });
  }

  /** Applies the changes; false when there is no such resource. */
  async update(id: string, changes: Partial<Pick<AppointmentResource, 'name' | 'kind' | 'description' | 'active'>>): Promise<boolean> {
    if (!Object.keys(changes).length) return (await this.resources.countBy({ id })) === 1;
    return (await this.resources.update({ id }, changes)).affected === 1;
  }

  /** A page of resources by id (newest first), `limit + 1` rows; only active ones unless `includeInactive`. */
  async list(options: { includeInactive: boolean; beforeId?: string; limit: number }): Promise<AppointmentResource[]> {
    const query = this.resources
      .createQueryBuilder('r')
      .orderBy('r.id', 'DESC')
      .limit(options.limit + 1);
    if (!options.includeInactive) query.andWhere('r.active = 1');
    if (options.beforeId) query.andWhere('r.id < :beforeId', { beforeId: options.beforeId });
    return query.getMany();
  }
}
