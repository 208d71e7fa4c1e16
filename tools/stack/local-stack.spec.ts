import { join } from 'node:path';
import { LOCAL_STACK_DIR, localStackDatabaseUrl, withLocalStackDefaults } from './local-stack';

describe('the local stack as the tools default to it', () => {
  it('names the stack databases on the admin server', () => {
    expect(localStackDatabaseUrl('orders', {})).toBe('mysql://root@127.0.0.1:3306/mp_orders');
    expect(localStackDatabaseUrl('auth', { MYSQL_ADMIN_URL: 'mysql://admin:pw@db:3307/mysql' })).toBe('mysql://admin:pw@db:3307/mp_auth');
  });

  it('fills every database, the upload files and a backup folder when the environment names no database', () => {
    const { env, localStack } = withLocalStackDefaults({}, ['auth', 'orders']);
    expect(localStack).toBe(true);
    expect(env).toMatchObject({
      AUTH_DATABASE_URL: 'mysql://root@127.0.0.1:3306/mp_auth',
      ORDERS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/mp_orders',
      UPLOAD_LOCAL_DIR: join(LOCAL_STACK_DIR, 'uploads'),
      BACKUP_DIR: join(LOCAL_STACK_DIR, 'backups'),
    });
  });

  it('leaves an environment that names any database alone, so a deployment never falls back to the stack', () => {
    for (const named of [{ ORDERS_DATABASE_URL: 'mysql://o@db/orders' }, { AUTH_DATABASE_URL_FILE: '/run/secrets/auth-url' }]) {
      expect(withLocalStackDefaults(named, ['auth', 'orders'])).toEqual({ env: named, localStack: false });
    }
  });
});
