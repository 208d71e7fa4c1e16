import { plainToInstance } from 'class-transformer';
import { IsObject, Matches, validateSync } from 'class-validator';
import { ExactlyOneOf } from './field-rules';

class Recipient {
  @ExactlyOneOf('addressId')
  @IsObject()
  contact?: object;

  @ExactlyOneOf('contact')
  @Matches(/^A\d$/)
  addressId?: string;
}

/** The fields refused for `body`, with the exactlyOneOf message when there is one. */
function refused(body: object): Record<string, string | undefined> {
  const errors = validateSync(plainToInstance(Recipient, body));
  return Object.fromEntries(errors.map((error) => [error.property, error.constraints?.exactlyOneOf]));
}

describe('ExactlyOneOf', () => {
  it('takes either field alone, each checked by its own rules', () => {
    expect(refused({ contact: {} })).toEqual({});
    expect(refused({ addressId: 'A1' })).toEqual({});
    expect(refused({ addressId: 'B1' })).toEqual({ addressId: undefined });
    expect(refused({ contact: 'x' })).toEqual({ contact: undefined });
  });

  it('refuses both together, null counting as given', () => {
    expect(refused({ contact: {}, addressId: 'A1' })).toEqual({
      contact: 'give either contact or addressId, not both',
      addressId: 'give either addressId or contact, not both',
    });
    expect(refused({ contact: null, addressId: 'A1' })).toEqual({ contact: 'give either contact or addressId, not both', addressId: expect.any(String) });
  });

  it('refuses neither, naming both', () => {
    expect(refused({})).toEqual({ contact: 'contact or addressId is required', addressId: 'addressId or contact is required' });
  });
});
