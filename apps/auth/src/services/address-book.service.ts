import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Page, singlePage } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { AddressDto } from '../dtos/address.dto';
import { CreateAddressDto } from '../dtos/create-address.dto';
import { UpdateAddressDto } from '../dtos/update-address.dto';
import { AddressChanges, AddressRepository } from '../repositories/address.repository';

/** Most addresses one user may keep. */
export const MAX_ADDRESSES_PER_USER = 20;

const notFound = () => new AppError('ADDRESS_NOT_FOUND', 'Address not found');

/**
 * A user's address book: at most MAX_ADDRESSES_PER_USER addresses, exactly one of them the default while there are any.
 * Both rules hold across replicas because every change runs in a transaction that first locks the user's row
 * (`SELECT ... FOR UPDATE` in AddressRepository.lockBookOf): concurrent changes of one book take turns, and each one
 * counts and moves the default on what the previous one committed.
 */
@Injectable()
export class AddressBookService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly addresses: AddressRepository,
  ) {}

  /** The user's addresses, the default first (then the newest first): never more than a page. */
  async list(userId: string): Promise<Page<AddressDto>> {
    return singlePage((await this.addresses.listOf(userId)).map(AddressDto.from));
  }

  /** One of the user's addresses; another user's or a deleted one is ADDRESS_NOT_FOUND. */
  async get(userId: string, id: string): Promise<AddressDto> {
    const address = await this.addresses.findOwned(userId, id);
    if (!address) throw notFound();
    return AddressDto.from(address);
  }

  /** Adds an address; the first one is the default, and `isDefault: true` makes a later one so. */
  async add(userId: string, request: CreateAddressDto): Promise<AddressDto> {
    const id = newId();
    await this.inLockedBook(userId, async (manager) => {
      const count = await this.addresses.countOf(manager, userId);
      if (count >= MAX_ADDRESSES_PER_USER) {
        throw new AppError('ADDRESS_BOOK_FULL', `An address book holds at most ${MAX_ADDRESSES_PER_USER} addresses; delete one first`);
      }
      const { name, phone, province, city, district, detail } = request;
      await this.addresses.insert(manager, {
        id,
        userId,
        name,
        phone,
        province,
        city,
        district,
        detail,
        postalCode: request.postalCode ?? null,
        isDefault: false,
      });
      if (count === 0 || request.isDefault === true) await this.addresses.makeDefault(manager, userId, id);
    });
    return this.get(userId, id);
  }

  /**
   * Changes the given fields. `isDefault: true` makes it the default (the old default is one no longer); `false` on the
   * default moves the default to the newest other address, and is ignored on the only one.
   */
  async update(userId: string, id: string, changes: UpdateAddressDto): Promise<AddressDto> {
    await this.inLockedBook(userId, async (manager) => {
      const address = await this.addresses.findOwned(userId, id, manager);
      if (!address) throw notFound();
      await this.addresses.update(manager, id, contentOf(changes));
      if (changes.isDefault === true && !address.isDefault) await this.addresses.makeDefault(manager, userId, id);
      if (changes.isDefault === false && address.isDefault) await this.passDefaultOn(manager, userId, id);
    });
    return this.get(userId, id);
  }

  /** Deletes an address; when it was the default, the newest remaining one becomes the default. Orders placed with it keep their copy. */
  async remove(userId: string, id: string): Promise<void> {
    await this.inLockedBook(userId, async (manager) => {
      const address = await this.addresses.findOwned(userId, id, manager);
      if (!address) throw notFound();
      if (address.isDefault) await this.passDefaultOn(manager, userId, id);
      await this.addresses.delete(manager, id);
    });
  }

  /** Moves the default from `id` to the newest other address, if there is one. */
  private async passDefaultOn(manager: EntityManager, userId: string, id: string): Promise<void> {
    const next = await this.addresses.findNewestOther(manager, userId, id);
    if (next) await this.addresses.makeDefault(manager, userId, next.id);
  }

  private async inLockedBook(userId: string, work: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.addresses.lockBookOf(manager, userId))) throw new AppError('USER_NOT_FOUND', 'User not found');
      await work(manager);
    });
  }
}

/** The address fields a request gives (left-out ones stay undefined, so an update leaves them as they are). */
function contentOf(request: UpdateAddressDto): AddressChanges {
  const { name, phone, province, city, district, detail, postalCode } = request;
  const fields: AddressChanges = { name, phone, province, city, district, detail, postalCode };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
