import fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { MetricsRegistry } from '#libs/metrics';
import { installHttpHooks, loggableUrl } from './install-http-hooks';

describe('the access log', () => {
  it('never carries the values of a signed link, only the path and the other parameters', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    const server = fastify();
    const metrics = { observeHttp: () => undefined } as unknown as MetricsRegistry;
    installHttpHooks(server, metrics, pino({ level: 'info' }, sink));
    server.get('/api/uploads/:id/content', () => Promise.resolve('bytes'));
    const sig = 'A'.repeat(43);
    await server.inject({ url: `/api/uploads/01J/content?exp=1893456000&sig=${sig}&variant=thumb` });
    await server.close();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: '/api/uploads/:id/content', url: '/api/uploads/01J/content?exp=-&sig=-&variant=thumb', status: 200 });
    expect(JSON.stringify(lines)).not.toMatch(/AAAAAAAAAA|1893456000/);
  });

  it('leaves other URLs as they are', () => {
    expect(loggableUrl('/api/catalog/products?limit=20&q=tea')).toBe('/api/catalog/products?limit=20&q=tea');
    expect(loggableUrl('/api/x?design=1&sig=abc&exp=1&signature=2')).toBe('/api/x?design=1&sig=-&exp=-&signature=2');
  });
});

describe('the latency histogram and the access-log setting', () => {
  const observingServer = (accessLog: 'all' | 'errors', lines: Record<string, unknown>[]) => {
    const observed: [string, string, number][] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    const metrics = {
      observeHttp: (method: string, route: string, status: number) => void observed.push([method, route, status]),
    } as unknown as MetricsRegistry;
    const server = fastify();
    installHttpHooks(server, metrics, pino({ level: 'info' }, sink), accessLog);
    server.get('/api/things/:id', (request, reply) => void reply.status((request.params as { id: string }).id === 'bad' ? 400 : 200).send('ok'));
    return { server, observed };
  };

  it('records each request once, under its route pattern or as unmatched', async () => {
    const { server, observed } = observingServer('all', []);
    await server.inject({ url: '/api/things/1' });
    await server.inject({ url: '/nowhere' });
    await server.close();
    expect(observed).toEqual([
      ['GET', '/api/things/:id', 200],
      ['GET', 'unmatched', 404],
    ]);
  });

  it('with ACCESS_LOG=errors logs only the requests answered with an error, and still measures all', async () => {
    const lines: Record<string, unknown>[] = [];
    const { server, observed } = observingServer('errors', lines);
    for (const url of ['/api/things/1', '/api/things/bad', '/nowhere']) await server.inject({ url });
    await server.close();
    expect(lines.map((line) => [line.route, line.status])).toEqual([
      ['/api/things/:id', 400],
      ['unmatched', 404],
    ]);
    expect(observed).toHaveLength(3);
  });
});
