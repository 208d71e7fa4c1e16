import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsBoolean } from 'class-validator';
import { BooleanFromEnv } from './boolean-from-env';
import { ConfigError, loadConfig } from './load-config';
import { ServiceEnv } from './service-env';

const goodEnv = {
  PORT: '3101',
  DATABASE_URL: 'mysql://auth:pw@127.0.0.1:3306/auth',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  NATS_URL: 'nats://127.0.0.1:4222',
  JWT_PUBLIC_KEYS: '{"keys":[]}',
};

describe('loadConfig', () => {
  it('converts types and applies defaults', () => {
    const config = loadConfig(ServiceEnv, { ...goodEnv, TRUSTED_PROXIES: '10.0.0.1, 10.0.0.2', MESSAGE_TIMEOUT_MS: '500' });
    expect(config.PORT).toBe(3101);
    expect(config.SHUTDOWN_DRAIN_MS).toBe(3000);
    expect(config.MESSAGE_TIMEOUT_MS).toBe(500);
    expect(config.TRUSTED_PROXIES).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('names every missing or bad variable', () => {
    const attempt = () => loadConfig(ServiceEnv, { ...goodEnv, PORT: 'eighty', DATABASE_URL: undefined, NATS_URL: 'http://x' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT/);
      expect(message).toMatch(/DATABASE_URL/);
      expect(message).toMatch(/NATS_URL/);
      expect(message).not.toMatch(/REDIS_URL/);
    }
  });

  it('reads NAME_FILE for secrets mounted as files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'db'), 'mysql://auth:secret@db:3306/auth\n');
    const config = loadConfig(ServiceEnv, { ...goodEnv, DATABASE_URL: undefined, DATABASE_URL_FILE: join(dir, 'db') });
    expect(config.DATABASE_URL).toBe('mysql://auth:secret@db:3306/auth');
    expect(() => loadConfig(ServiceEnv, { ...goodEnv, DATABASE_URL: undefined, DATABASE_URL_FILE: join(dir, 'missing') })).toThrow(/DATABASE_URL_FILE/);
  });

  it('reads booleans from their text, "false" included', () => {
    class WithFlag extends ServiceEnv {
      @BooleanFromEnv()
      @IsBoolean()
      FLAG: boolean = true;
    }
    expect(loadConfig(WithFlag, { ...goodEnv, FLAG: 'false' }).FLAG).toBe(false);
    expect(loadConfig(WithFlag, { ...goodEnv, FLAG: '1' }).FLAG).toBe(true);
    expect(loadConfig(WithFlag, { ...goodEnv, FLAG: ' Off ' }).FLAG).toBe(false);
    expect(loadConfig(WithFlag, { ...goodEnv, FLAG: 'on' }).FLAG).toBe(true);
    expect(loadConfig(WithFlag, { ...goodEnv, FLAG: 'no' }).FLAG).toBe(false);
    expect(loadConfig(WithFlag, goodEnv).FLAG).toBe(true);
    expect(() => loadConfig(WithFlag, { ...goodEnv, FLAG: 'maybe' })).toThrow(/FLAG/);
  });
});
