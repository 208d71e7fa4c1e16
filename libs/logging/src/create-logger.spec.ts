import { createLogger } from './create-logger';
import { runWithRequestContext } from './request-context';

/** Captures standard output, one parsed JSON object per line (pino writes to process.stdout once it has been replaced). */
function captureStdout(): { lines: () => Record<string, any>[]; restore: () => void } {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    restore: () => spy.mockRestore(),
  };
}

describe('createLogger', () => {
  let capture: ReturnType<typeof captureStdout>;
  beforeEach(() => {
    capture = captureStdout();
  });
  afterEach(() => capture.restore());

  it('writes one JSON line per entry with the service, the replica, an ISO time and the message', () => {
    createLogger({ service: 'auth', instance: 'auth-1', level: 'info' }).info({ route: '/x' }, 'request');
    expect(capture.lines()).toEqual([
      expect.objectContaining({ service: 'auth', instance: 'auth-1', msg: 'request', route: '/x', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
    ]);
  });

  it('adds the current request id and user to everything logged inside a request', () => {
    const logger = createLogger({ service: 'auth', instance: 'auth-1', level: 'info' });
    runWithRequestContext({ requestId: 'req-99', userId: 'user-7' }, () => logger.warn('inside'));
    logger.warn('outside');
    const [inside, outside] = capture.lines();
    expect(inside).toMatchObject({ msg: 'inside', requestId: 'req-99', userId: 'user-7' });
    expect(outside.requestId).toBeUndefined();
  });

  it('never writes passwords, refresh tokens, session keys or authorization headers', () => {
    const logger = createLogger({ service: 'auth', instance: 'auth-1', level: 'info' });
    logger.info(
      {
        body: { password: 'hunter2-secret', refreshToken: 'refresh-secret' },
        user: { sessionKey: 'wechat-session-secret' },
        req: { headers: { authorization: 'Bearer jwt-secret' } },
      },
      'sensitive',
    );
    const text = JSON.stringify(capture.lines());
    expect(text).toContain('sensitive');
    expect(text).not.toMatch(/hunter2-secret|refresh-secret|wechat-session-secret|jwt-secret/);
  });

  it('drops entries below LOG_LEVEL', () => {
    const logger = createLogger({ service: 'auth', instance: 'auth-1', level: 'warn' });
    logger.info('quiet');
    logger.error('loud');
    expect(capture.lines().map((line) => line.msg)).toEqual(['loud']);
  });
});
