import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Authenticated, CurrentUserId } from '#libs/auth';
import { IdParamDto, Page } from '#libs/contracts';
import { AddressDto } from '../dtos/address.dto';
import { CreateAddressDto } from '../dtos/create-address.dto';
import { UpdateAddressDto } from '../dtos/update-address.dto';
import { AddressBookService } from '../services/address-book.service';

@Authenticated({ users: true })
@Controller('api/auth/addresses')
export class AddressController {
  constructor(private readonly addressBook: AddressBookService) {}

  /** The caller's addresses (at most 20), the default first. */
  @Get()
  @ApiPageResponse(AddressDto)
  list(@CurrentUserId() userId: string): Promise<Page<AddressDto>> {
    return this.addressBook.list(userId);
  }

  /** Adds an address to the caller's address book; the first one is the default. */
  @Post()
  @ApiErrors('ADDRESS_BOOK_FULL', 'USER_NOT_FOUND')
  add(@CurrentUserId() userId: string, @Body() body: CreateAddressDto): Promise<AddressDto> {
    return this.addressBook.add(userId, body);
  }

  /** Changes one of the caller's addresses (another user's is 404); `isDefault: true` makes it the one default. */
  @Patch(':id')
  @ApiErrors('ADDRESS_NOT_FOUND', 'USER_NOT_FOUND')
  update(@CurrentUserId() userId: string, @Param() params: IdParamDto, @Body() body: UpdateAddressDto): Promise<AddressDto> {
    return this.addressBook.update(userId, params.id, body);
  }

  /** Deletes one of the caller's addresses; if it was the default, the newest remaining one becomes the default. */
  @Delete(':id')
  @HttpCode(204)
  @ApiErrors('ADDRESS_NOT_FOUND', 'USER_NOT_FOUND')
  remove(@CurrentUserId() userId: string, @Param() params: IdParamDto): Promise<void> {
    return this.addressBook.remove(userId, params.id);
  }
}
