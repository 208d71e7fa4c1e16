import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Category } from '../entities/category.entity';

/** The category tree. */
@Injectable()
export class CategoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get categories() {
    return this.dataSource.getRepository(Category);
  }

  findAll(): Promise<Category[]> {
    return this.categories.find({ order: { sortOrder: 'ASC', id: 'ASC' } });
  }

  findById(id: string): Promise<Category | null> {
    return this.categories.findOneBy({ id });
  }

  async insert(category: Omit<Category, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.categories.insert(category);
  }

  async update(id: string, changes: Partial<Pick<Category, 'name' | 'parentId' | 'sortOrder'>>): Promise<void> {
    await this.categories.update({ id }, changes);
  }

  countChildren(id: string): Promise<number> {
    return this.categories.countBy({ parentId: id });
  }

  async delete(id: string): Promise<boolean> {
    return (await this.categories.delete({ id })).affected === 1;
  }
}
