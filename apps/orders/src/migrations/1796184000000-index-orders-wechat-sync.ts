import { MigrationInterface, QueryRunner } from 'typeorm';

/** Staff list the orders whose shipping information WeChat refused (`?wechatSync=failed`) without reading every order. */
export class IndexOrdersWechatSync1796184000000 implements MigrationInterface {
  name = 'IndexOrdersWechatSync1796184000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX idx_orders_wechat_sync ON orders (wechat_sync, id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX idx_orders_wechat_sync ON orders');
  }
}
