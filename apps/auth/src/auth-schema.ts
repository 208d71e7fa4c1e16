import { ServiceSchema } from '#libs/database';
import { Address } from './entities/address.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { Session } from './entities/session.entity';
import { StaffAccount } from './entities/staff-account.entity';
import { SubscribeAcceptance } from './entities/subscribe-acceptance.entity';
import { User } from './entities/user.entity';
import { CreateAuthSchema1763712000000 } from './migrations/1763712000000-create-auth-schema';
import { IndexUserAvatar1764100000000 } from './migrations/1764100000000-index-user-avatar';
import { CreateAddresses1764300000000 } from './migrations/1764300000000-create-addresses';
import { CreateSubscribeAcceptances1796190000000 } from './migrations/1796190000000-create-subscribe-acceptances';

/** The tables the auth service owns and the migrations that make them. */
export const AUTH_SCHEMA: ServiceSchema = {
  entities: [User, Session, RefreshToken, StaffAccount, Address, SubscribeAcceptance],
  migrations: [CreateAuthSchema1763712000000, IndexUserAvatar1764100000000, CreateAddresses1764300000000, CreateSubscribeAcceptances1796190000000],
};
