import { createConnection } from 'mysql2/promise';
import { parseMysqlUrl } from './parse-mysql-url';

const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

function connectAsAdmin(adminUrl: string) {
  const { host, port, username, password } = parseMysqlUrl(adminUrl);
  return createConnection({ host, port, user: username, password });
}

/**
 * Creates a service's database and its own MySQL user, allowed into that database only, with an administrator
 * account (`adminUrl`). Idempotent; resets the user's password to the one in `serviceUrl`. MySQL 8 and MariaDB.
 */
export async function provisionServiceDatabase(adminUrl: string, serviceUrl: string): Promise<void> {
  const { database, username, password } = parseMysqlUrl(serviceUrl);
  if (!IDENTIFIER.test(database) || !IDENTIFIER.test(username)) throw new Error(`unsafe database or user name in ${database}/${username}`);
  const admin = await connectAsAdmin(adminUrl);
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    for (const host of ['%', 'localhost']) {
      await admin.query(`CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?`, [username, host, password]);
      await admin.query(`ALTER USER ?@? IDENTIFIED BY ?`, [username, host, password]);
      await admin.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO ?@?`, [username, host]);
    }
  } finally {
    await admin.end();
  }
}

/** Drops a database and the user provisionServiceDatabase made for it (tests clean up with this). */
export async function dropServiceDatabase(adminUrl: string, serviceUrl: string): Promise<void> {
  const { database, username } = parseMysqlUrl(serviceUrl);
  if (!IDENTIFIER.test(database) || !IDENTIFIER.test(username)) throw new Error(`unsafe database or user name in ${database}/${username}`);
  const admin = await connectAsAdmin(adminUrl);
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    for (const host of ['%', 'localhost']) await admin.query(`DROP USER IF EXISTS ?@?`, [username, host]);
  } finally {
    await admin.end();
  }
}
