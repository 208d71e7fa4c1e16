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

  it("a service's own <NAME>_FILE is not hidden by a shared <NAME> (a plain value wins over a file)", () => {
    const env = { WECHAT_APP_SECRET: 'shared', ORDERS_WECHAT_APP_SECRET_FILE: '/run/secrets/orders-app-secret' };
    const orders = scopedEnv(env, 'orders');
    expect([orders.WECHAT_APP_SECRET, orders.WECHAT_APP_SECRET_FILE]).toEqual([undefined, '/run/secrets/orders-app-secret']);
    expect(scopedEnv(env, 'auth').WECHAT_APP_SECRET).toBe('shared');
    // Both given to the service: its plain value, as when it runs alone.
    expect(scopedEnv({ ...env, ORDERS_WECHAT_APP_SECRET: 'own' }, 'orders').WECHAT_APP_SECRET).toBe('own');
  });
});
