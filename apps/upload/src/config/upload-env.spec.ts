import { ConfigError, loadConfig } from '#libs/config';
import { UploadEnv } from './upload-env';

const base = {
  PORT: '3401',
  DATABASE_URL: 'mysql://upload:pw@127.0.0.1:3306/upload',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  NATS_URL: 'nats://127.0.0.1:4222',
  JWT_PUBLIC_KEYS: '{"keys":[]}',
};

describe('UploadEnv', () => {
  it('defaults to the local driver with image types and a 10 MB limit', () => {
    const config = loadConfig(UploadEnv, base);
    expect(config).toMatchObject({
      UPLOAD_STORAGE_DRIVER: 'local',
      UPLOAD_MAX_BYTES: 10 * 1024 * 1024,
      UPLOAD_S3_REDIRECT: false,
      UPLOAD_S3_FORCE_PATH_STYLE: false,
    });
    expect(config.UPLOAD_ALLOWED_TYPES).toEqual(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
  });

  it('reads booleans and lists as written', () => {
    const config = loadConfig(UploadEnv, {
      ...base,
      UPLOAD_S3_REDIRECT: 'false',
      UPLOAD_S3_FORCE_PATH_STYLE: 'true',
      UPLOAD_ALLOWED_TYPES: 'image/png, application/pdf',
    });
    expect(config.UPLOAD_S3_REDIRECT).toBe(false);
    expect(config.UPLOAD_S3_FORCE_PATH_STYLE).toBe(true);
    expect(config.UPLOAD_ALLOWED_TYPES).toEqual(['image/png', 'application/pdf']);
  });

  it('names what is wrong: s3 without a bucket, unknown types, bad booleans, a short signing secret', () => {
    const attempt = () =>
      loadConfig(UploadEnv, {
        ...base,
        UPLOAD_STORAGE_DRIVER: 's3',
        UPLOAD_ALLOWED_TYPES: 'image/jpeg,text/html',
        UPLOAD_S3_REDIRECT: 'maybe',
        UPLOAD_URL_SIGNING_SECRET: 'short',
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of ['UPLOAD_S3_BUCKET', 'UPLOAD_ALLOWED_TYPES', 'UPLOAD_S3_REDIRECT', 'UPLOAD_URL_SIGNING_SECRET']) expect(message).toContain(name);
  });
});
