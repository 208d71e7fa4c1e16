import { Injectable } from '@nestjs/common';
import { AddressSummary, AUTH_MESSAGES } from '#libs/contracts';
import { MessageBus } from '#libs/messaging';

/** Asks auth for one of a user's address-book entries (ADDRESS_NOT_FOUND for another user's, a deleted or a missing one). */
@Injectable()
export class AddressBookClient {
  constructor(private readonly bus: MessageBus) {}

  addressOf(userId: string, addressId: string): Promise<AddressSummary> {
    return this.bus.request<AddressSummary>(AUTH_MESSAGES.getAddress, { userId, addressId });
  }
}
