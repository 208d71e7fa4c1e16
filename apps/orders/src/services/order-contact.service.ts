import { Injectable } from '@nestjs/common';
import { AddressSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { AddressBookClient } from '../clients/address-book.client';
import { CreateOrderDto } from '../dtos/create-order.dto';
import { Order } from '../entities/order.entity';

/** Who receives an order, as the order keeps it. */
export interface OrderContact {
  name: string;
  phone: string;
  address: string | null;
  /** The address in its parts, as the order keeps them: all null for a typed contact. */
  addressParts: Pick<Order, 'contactProvince' | 'contactCity' | 'contactDistrict' | 'contactDetail' | 'contactPostalCode'>;
}

const NO_PARTS: OrderContact['addressParts'] = {
  contactProvince: null,
  contactCity: null,
  contactDistrict: null,
  contactDetail: null,
  contactPostalCode: null,
};

/** The address of an address-book entry on one line, as an order's contact shows it: "province city district detail". */
export function addressLine(address: AddressSummary): string {
  return [address.province, address.city, address.district, address.detail].join(' ');
}

/** Who receives a new order: the contact the request gives, or a copy of the caller's address-book entry it names. */
@Injectable()
export class OrderContactService {
  constructor(private readonly addressBook: AddressBookClient) {}

  /**
   * A copy, never a reference: editing or deleting the address later leaves the order as it was placed. Another user's
   * or a deleted address is ADDRESS_NOT_FOUND (auth's answer over the bus), before anything is written or reserved.
   */
  async contactFor(userId: string, request: CreateOrderDto): Promise<OrderContact> {
    if (request.addressId !== undefined) {
      const address = await this.addressBook.addressOf(userId, request.addressId);
      return {
        name: address.name,
        phone: address.phone,
        address: addressLine(address),
        addressParts: {
          contactProvince: address.province,
          contactCity: address.city,
          contactDistrict: address.district,
          contactDetail: address.detail,
          contactPostalCode: address.postalCode,
        },
      };
    }
    if (!request.contact)
      throw new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field: 'contact', message: 'contact or addressId is required' }]);
    return { name: request.contact.name, phone: request.contact.phone, address: request.contact.address ?? null, addressParts: NO_PARTS };
  }
}
