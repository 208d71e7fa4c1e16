import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** Orders with their item snapshots and history, payment notifications, and appointment resources, slots and bookings. */
export class CreateOrdersSchema1763800000000 implements MigrationInterface {
  name = 'CreateOrdersSchema1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    // placed_at is NULL until the catalog has reserved the stock: such rows are a saga in progress (or one a crash
    // left behind, for the sweeper), never shown to anyone. stock_state follows the catalog's reservation.
    await runner.query(`CREATE TABLE orders (
      id CHAR(26) NOT NULL,
      order_no VARCHAR(32) NOT NULL,
      user_id CHAR(26) NOT NULL,
      status VARCHAR(20) NOT NULL,
      stock_state VARCHAR(16) NOT NULL,
      placed_at DATETIME(3) NULL,
      total_fen INT UNSIGNED NOT NULL,
      item_count INT UNSIGNED NOT NULL,
      contact_name VARCHAR(64) NOT NULL,
      contact_phone VARCHAR(20) NOT NULL,
      contact_address VARCHAR(255) NULL,
      remark VARCHAR(255) NULL,
      idempotency_key CHAR(43) NULL,
      expires_at DATETIME(3) NOT NULL,
      prepay_id VARCHAR(64) NULL,
      prepay_at DATETIME(3) NULL,
      transaction_id VARCHAR(64) NULL,
      paid_fen INT UNSIGNED NULL,
      paid_at DATETIME(3) NULL,
      carrier VARCHAR(32) NULL,
      tracking_no VARCHAR(64) NULL,
      shipped_at DATETIME(3) NULL,
      completed_at DATETIME(3) NULL,
      cancelled_at DATETIME(3) NULL,
      cancel_reason VARCHAR(32) NULL,
      refund_status VARCHAR(16) NULL,
      refund_no VARCHAR(64) NULL,
      refund_id VARCHAR(64) NULL,
      refund_fen INT UNSIGNED NULL,
      refunded_at DATETIME(3) NULL,
      version INT UNSIGNED NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_orders_order_no (order_no),
      UNIQUE KEY uq_orders_user_idempotency (user_id, idempotency_key),
      KEY idx_orders_user (user_id, id),
      KEY idx_orders_status (status, id),
      KEY idx_orders_expiry (status, expires_at),
      KEY idx_orders_stock (stock_state, updated_at),
      KEY idx_orders_refund (refund_status, updated_at)
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE order_items (
      order_id CHAR(26) NOT NULL,
      sku_id CHAR(26) NOT NULL,
      line_no SMALLINT UNSIGNED NOT NULL,
      product_id CHAR(26) NOT NULL,
      product_title VARCHAR(255) NOT NULL,
      sku_name VARCHAR(128) NOT NULL,
      image_url VARCHAR(1024) NULL,
      unit_price_fen INT UNSIGNED NOT NULL,
      quantity INT UNSIGNED NOT NULL,
      subtotal_fen INT UNSIGNED NOT NULL,
      PRIMARY KEY (order_id, sku_id),
      CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE order_events (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      order_id CHAR(26) NOT NULL,
      from_status VARCHAR(20) NULL,
      to_status VARCHAR(20) NOT NULL,
      actor_kind VARCHAR(8) NOT NULL,
      actor_id VARCHAR(64) NULL,
      reason VARCHAR(64) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_order_events_order (order_id, id),
      CONSTRAINT fk_order_events_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE payment_notifications (
      id VARCHAR(64) NOT NULL,
      event_type VARCHAR(32) NOT NULL,
      order_id CHAR(26) NULL,
      reference VARCHAR(64) NULL,
      outcome VARCHAR(16) NOT NULL,
      deliveries INT UNSIGNED NOT NULL DEFAULT 1,
      received_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      last_received_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_payment_notifications_order (order_id)
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE appointment_resources (
      id CHAR(26) NOT NULL,
      name VARCHAR(64) NOT NULL,
      kind VARCHAR(32) NOT NULL,
      description VARCHAR(500) NULL,
      active TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_appointment_resources_active (active, id)
    ) ${TABLE_OPTIONS}`);
    // booked <= capacity is kept by conditional updates; the CHECK is the last line of defence.
    await runner.query(`CREATE TABLE appointment_slots (
      id CHAR(26) NOT NULL,
      resource_id CHAR(26) NOT NULL,
      starts_at DATETIME(3) NOT NULL,
      ends_at DATETIME(3) NOT NULL,
      capacity INT UNSIGNED NOT NULL,
      booked INT UNSIGNED NOT NULL DEFAULT 0,
      is_open TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_appointment_slots_start (resource_id, starts_at),
      KEY idx_appointment_slots_starts (starts_at),
      CONSTRAINT fk_appointment_slots_resource FOREIGN KEY (resource_id) REFERENCES appointment_resources (id),
      CONSTRAINT chk_appointment_slots_booked CHECK (booked <= capacity),
      CONSTRAINT chk_appointment_slots_times CHECK (ends_at > starts_at)
    ) ${TABLE_OPTIONS}`);
    // active_user_id is the user while the booking stands and NULL once cancelled: one live booking per user and slot.
    await runner.query(`CREATE TABLE appointments (
      id CHAR(26) NOT NULL,
      user_id CHAR(26) NOT NULL,
      slot_id CHAR(26) NOT NULL,
      resource_id CHAR(26) NOT NULL,
      status VARCHAR(16) NOT NULL,
      active_user_id CHAR(26) NULL,
      contact_name VARCHAR(64) NOT NULL,
      contact_phone VARCHAR(20) NOT NULL,
      remark VARCHAR(255) NULL,
      idempotency_key CHAR(43) NULL,
      cancelled_at DATETIME(3) NULL,
      cancelled_by_kind VARCHAR(8) NULL,
      cancelled_by_id CHAR(26) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_appointments_live (slot_id, active_user_id),
      UNIQUE KEY uq_appointments_user_idempotency (user_id, idempotency_key),
      KEY idx_appointments_user (user_id, id),
      KEY idx_appointments_slot (slot_id, status),
      KEY idx_appointments_resource (resource_id, id),
      CONSTRAINT fk_appointments_slot FOREIGN KEY (slot_id) REFERENCES appointment_slots (id)
    ) ${TABLE_OPTIONS}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['appointments', 'appointment_slots', 'appointment_resources', 'payment_notifications', 'order_events', 'order_items', 'orders']) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
