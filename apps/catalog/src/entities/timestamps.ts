import { CreateDateColumn, UpdateDateColumn } from 'typeorm';

/** created_at / updated_at, as every catalog table has them. */
export abstract class Timestamped {
  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
