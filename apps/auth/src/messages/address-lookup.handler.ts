import { MessagePattern, Payload } from '@nestjs/microservices';
import { AddressSummary, AUTH_MESSAGES, GetAddressRequest } from '#libs/contracts';
import { BusHandler } from '#libs/messaging';
import { AddressBookService } from '../services/address-book.service';

/** Answers other services' (orders') lookups of one of a user's addresses over the bus; bus only, never HTTP. */
@BusHandler()
export class AddressLookupHandler {
  constructor(private readonly addressBook: AddressBookService) {}

  @MessagePattern(AUTH_MESSAGES.getAddress)
  async getAddress(@Payload() request: GetAddressRequest): Promise<AddressSummary> {
    const { id, name, phone, province, city, district, detail, postalCode } = await this.addressBook.get(request.userId, request.addressId);
    return { id, name, phone, province, city, district, detail, postalCode };
  }
}
