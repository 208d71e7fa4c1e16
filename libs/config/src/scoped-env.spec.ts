import { scopedEnv } from './scoped-env';

describe('scopedEnv', () => {
  it('gives a service its <SERVICE>_<NAME> variables as <NAME>, over the shared ones', () => {
    const env = { DATABASE_URL: 'mysql://shared', ORDERS_DATABASE_URL: 'mysql://orders', AUTH_DATABASE_URL: 'mysql://auth', NATS_URL: 'nats://bus' };
    expect(scopedEnv(env, 'orders')).toMatchObject({ DATABASE_URL: 'mysql://orders', NATS_URL: 'nats://bus' });
    expect(scopedEnv(env, 'auth')).toMatchObject({ DATABASE_URL: 'mysql://auth', NATS_URL: 'nats://bus' });
    expect(scopedEnv(env, 'catalog')).toMatchObject({ DATABASE_URL: 'mysql://shared' });
  });

  it('keeps variables that already carry the prefix in their own name (UPLOAD_LOCAL_DIR), and ignores a bare prefix', () => {
    const scoped = scopedEnv({ UPLOAD_LOCAL_DIR: '/var/uploads', UPLOAD_: 'x' }, 'upload');
    expect(scoped.UPLOAD_LOCAL_DIR).toBe('/var/uploads');
    expect(scoped['']).toBeUndefined();
  });
});
