import { PartialType } from '@nestjs/swagger';
import { CreateAddressDto } from './create-address.dto';

/** PATCH /api/auth/addresses/:id: the fields to change. */
export class UpdateAddressDto extends PartialType(CreateAddressDto, { skipNullProperties: false }) {}
