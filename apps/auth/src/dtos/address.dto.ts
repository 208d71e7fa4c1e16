import { Address } from '../entities/address.entity';

/** An address of the caller's address book. */
export class AddressDto {
  id: string;

  /** @example "张三" */
  name: string;

  /** @example "13800138000" */
  phone: string;

  /** @example "浙江省" */
  province: string;

  /** @example "杭州市" */
  city: string;

  /** @example "西湖区" */
  district: string;

  /** @example "龙井路 1 号 2 幢 301 室" */
  detail: string;

  /** @example "310000" */
  postalCode: string | null;

  /** Exactly one address of a non-empty address book is the default. */
  isDefault: boolean;

  createdAt: string;

  updatedAt: string;

  static from(address: Address): AddressDto {
    return {
      id: address.id,
      name: address.name,
      phone: address.phone,
      province: address.province,
      city: address.city,
      district: address.district,
      detail: address.detail,
      postalCode: address.postalCode,
      isDefault: address.isDefault,
      createdAt: address.createdAt.toISOString(),
      updatedAt: address.updatedAt.toISOString(),
    };
  }
}
