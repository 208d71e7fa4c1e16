import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

// Checked against when the username does not exist, so a wrong name costs as long as a wrong password.
const UNKNOWN_ACCOUNT_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Pq3l8bT7K5mDgk1m0wsdXx6P1iS0mL4nqWZ7+f7b5Bk';

/** argon2id hashing of staff passwords (OWASP's minimum parameters: 19 MiB, 2 passes). */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  }

  /** Verifies `password`; with no hash (unknown account) it still spends the same time and answers false. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const matches = await argon2.verify(hash ?? UNKNOWN_ACCOUNT_HASH, password);
      return matches && hash !== undefined;
    } catch {
      return false;
    }
  }
}
