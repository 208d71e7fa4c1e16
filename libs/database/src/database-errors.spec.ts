import { QueryFailedError } from 'typeorm';
import { duplicateKeyName, isDuplicateKey } from './database-errors';

const mysqlError = (code: string, sqlMessage: string) => Object.assign(new Error(sqlMessage), { code, errno: 1062, sqlMessage });

describe('isDuplicateKey', () => {
  const mysql8 = mysqlError('ER_DUP_ENTRY', "Duplicate entry 'u1-k1' for key 'orders.uq_orders_user_idempotency'");
  const mariadb = mysqlError('ER_DUP_ENTRY', "Duplicate entry 'u1-k1' for key 'uq_orders_user_idempotency'");

  it('recognises a duplicate entry on any key, or on the named one', () => {
    for (const error of [mysql8, mariadb]) {
      expect(isDuplicateKey(error)).toBe(true);
      expect(isDuplicateKey(error, 'uq_orders_user_idempotency')).toBe(true);
      expect(isDuplicateKey(error, 'uq_orders_order_no')).toBe(false);
    }
  });

  it('reads the driver error inside a TypeORM QueryFailedError', () => {
    const error = new QueryFailedError('INSERT …', [], mysql8);
    expect(isDuplicateKey(error, 'uq_orders_user_idempotency')).toBe(true);
    expect(duplicateKeyName(error)).toBe('uq_orders_user_idempotency');
  });

  it('is false for other errors and for values that are not errors', () => {
    expect(isDuplicateKey(mysqlError('ER_LOCK_DEADLOCK', 'Deadlock found'))).toBe(false);
    expect(isDuplicateKey(new Error('Duplicate entry'))).toBe(false);
    expect(isDuplicateKey(undefined)).toBe(false);
    expect(isDuplicateKey('ER_DUP_ENTRY')).toBe(false);
  });

  it('names no key when the message does not say which', () => {
    expect(duplicateKeyName(mysqlError('ER_DUP_ENTRY', 'Duplicate entry'))).toBe('');
    expect(duplicateKeyName(mysqlError('ER_DUP_ENTRY', 'Duplicate entry'))).not.toBeUndefined();
  });
});
