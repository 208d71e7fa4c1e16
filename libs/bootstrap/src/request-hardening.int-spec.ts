import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { PartialType } from '@nestjs/mapped-types';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { connect } from 'node:net';
import { Public } from '#libs/auth';
import { IsUserText, Optional, PageQueryDto } from '#libs/contracts';
import { createTestSigningKeys, JsonReply, PlatformTestApp, requestJson, signTestToken, startPlatformTestApp, TestSigningKeys } from '#libs/testing';

class LineDto {
  @IsString()
  @IsUserText()
  @Length(1, 20)
  name: string;
}

class CreateThingDto {
  @IsString()
  @IsUserText()
  @Length(1, 20)
  name: string;

  @Optional()
  @IsInt()
  @Min(0)
  @Max(100)
  rank?: number;

  @Optional()
  @IsString()
  @IsUserText({ multiline: true })
  @Length(1, 200)
  remark?: string;

  @Optional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines?: LineDto[];
}

class UpdateThingDto extends PartialType(CreateThingDto, { skipNullProperties: false }) {}

@Controller('things')
class ThingController {
  @Public()
  @Post()
  create(@Body() body: CreateThingDto): CreateThingDto {
    return body;
  }

  @Public()
  @Patch(':name')
  update(@Param('name') _name: string, @Body() body: UpdateThingDto): UpdateThingDto {
    return body;
  }

  @Public()
  @Get()
  list(@Query() query: PageQueryDto): PageQueryDto {
    return query;
  }

  @Get('mine')
  mine(): { ok: true } {
    return { ok: true };
  }
}

function expectEnvelope(reply: JsonReply, statusCode: number, code: string): void {
  expect({ status: reply.status, body: reply.body }).toMatchObject({ status: statusCode, body: { statusCode, code, message: expect.any(String) } });
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.body.requestId).toBe(reply.headers.get('x-request-id'));
  expect(JSON.stringify(reply.body)).not.toMatch(/FST_|stack|\/work\/|node_modules/);
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
}

/** Sends `raw` bytes over a fresh TCP connection and resolves with everything the server wrote back. */
function rawRequest(port: number, raw: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseRawReply(text: string): { status: number; headers: string; body: any } {
  const [head, body] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

describe('bad input answers a 4xx in the envelope (real platform wiring)', () => {
  let app: PlatformTestApp;
  let keys: TestSigningKeys;
  let port: number;
  const send = (path: string, options: Parameters<typeof requestJson>[1] = {}) => requestJson(`${app.url}${path}`, options);

  beforeAll(async () => {
    keys = await createTestSigningKeys();
    app = await startPlatformTestApp({ name: 'hardening', env: { ...keys.publicEnv, BODY_LIMIT_BYTES: '65536' }, controllers: [ThingController] });
    port = Number(new URL(app.url).port);
  });
  afterAll(() => app?.close());

  it('refuses a body nested thousands deep with 400 VALIDATION_FAILED, and the replica stays up', async () => {
    for (const rawBody of [`{"name":${nested(3000)}}`, `{"lines":[{"name":${nested(50)}}]}`, nested(20000)]) {
      expectEnvelope(await send('/things', { rawBody }), 400, 'VALIDATION_FAILED');
    }
    expect((await send('/things', { body: { name: 'ok', lines: [{ name: 'a' }] } })).status).toBe(201);
  });

  it('counts only brackets outside strings', async () => {
    const reply = await send('/things', { body: { name: 'ok', remark: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["\\' } });
    expect(reply.status).toBe(201);
  });

  it('answers a __proto__ key, which is valid JSON, as an unknown field, and broken JSON as MALFORMED_JSON', async () => {
    const proto = await send('/things', { rawBody: '{"name":"a","__proto__":{"admin":true}}' });
    expectEnvelope(proto, 400, 'VALIDATION_FAILED');
    const constructorPrototype = await send('/things', { rawBody: '{"name":"a","constructor":{"prototype":{"admin":true}}}' });
    expectEnvelope(constructorPrototype, 400, 'VALIDATION_FAILED');
    expectEnvelope(await send('/things', { rawBody: '{"name":' }), 400, 'MALFORMED_JSON');
    expectEnvelope(await send('/things', { rawBody: '' }), 400, 'MALFORMED_JSON');
  });

  it('puts the errors Fastify raises itself in the envelope: bad URL, content type, size', async () => {
    const badUrl = await send('/things/%');
    expectEnvelope(badUrl, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(badUrl.body)).not.toContain('/things');
    expectEnvelope(await send('/things/%E0%A4%A'), 400, 'VALIDATION_FAILED');
    expectEnvelope(
      await send('/things', { rawBody: 'name=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectEnvelope(await send('/things', { rawBody: 'a', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectEnvelope(await send('/things', { rawBody: JSON.stringify({ name: 'x'.repeat(70000) }) }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('reads the rest of a body over the limit before closing, so the client gets its 413 rather than a reset', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let closedAt: 'while sending' | 'after sending' | undefined;
    let sending = true;
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('utf8')));
    const closed = new Promise((resolve) => socket.once('close', resolve)).then(() => (closedAt = sending ? 'while sending' : 'after sending'));
    socket.on('error', () => undefined);
    const total = 1024 * 1024;
    socket.write(`POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let sent = 0; sent < total && !socket.destroyed;) {
      socket.write(chunk);
      sent += chunk.length;
      sending = sent < total;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await closed;
    expect(closedAt).toBe('after sending');
    expect(parseRawReply(reply)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers what Node cannot parse as HTTP in the envelope too', async () => {
    const garbage = parseRawReply(await rawRequest(port, 'GET /things HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'));
    expect(garbage).toMatchObject({ status: 400, body: { statusCode: 400, code: 'VALIDATION_FAILED', requestId: expect.any(String) } });
    expect(garbage.headers).toContain('content-type: application/json');
    const bigHeaders = parseRawReply(await rawRequest(port, `GET /things HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`));
    expect(bigHeaders).toMatchObject({ status: 431, body: { statusCode: 431, code: 'HEADERS_TOO_LARGE' } });
    expect(bigHeaders.headers).toContain(`x-request-id: ${bigHeaders.body.requestId}`);
  });

  it('refuses null for a field that may only be left out, in creates and in partial updates', async () => {
    expectEnvelope(await send('/things', { body: { name: 'a', rank: null } }), 400, 'VALIDATION_FAILED');
    for (const body of [{ name: null }, { rank: null }, { remark: null }]) {
      const reply = await send('/things/a', { method: 'PATCH', body });
      expectEnvelope(reply, 400, 'VALIDATION_FAILED');
      expect([...new Set(reply.body.details.map((detail: { field: string }) => detail.field))]).toEqual([Object.keys(body)[0]]);
    }
    expect((await send('/things/a', { method: 'PATCH', body: { rank: 3 } })).body).toEqual({ rank: 3 });
  });

  it('refuses control characters, direction overrides and lone surrogates in user text', async () => {
    for (const name of ['a\u0000b', 'a\u0007', 'a\u202eb', 'a\u2066b', 'a\ud800b', 'a\udc00', 'a\nb', 'a\u0085b']) {
      const reply = await send('/things', { body: { name } });
      expectEnvelope(reply, 400, 'VALIDATION_FAILED');
      expect(reply.body.details).toEqual([expect.objectContaining({ field: 'name' })]);
    }
    expectEnvelope(await send('/things', { body: { name: 'a', lines: [{ name: 'b\u0000' }] } }), 400, 'VALIDATION_FAILED');
    const fine = await send('/things', { body: { name: '张三 😀 é', remark: 'line one\nline two\r\n\ttabbed' } });
    expect(fine.status).toBe(201);
    expect(fine.body).toEqual({ name: '张三 😀 é', remark: 'line one\nline two\r\n\ttabbed' });
  });

  it('takes only decimal digits as a query-string number', async () => {
    for (const limit of ['1e1', '0x10', ' 7', '7.0', '+7', '0b1', '', 'Infinity']) {
      expectEnvelope(await send(`/things?limit=${encodeURIComponent(limit)}`), 400, 'VALIDATION_FAILED');
    }
    expect((await send('/things?limit=10')).body).toEqual({ limit: 10 });
    expect((await send('/things')).body).toEqual({ limit: 20 });
  });

  it('takes the Bearer scheme in any case', async () => {
    const token = await signTestToken(keys.key.privateKeyPem, { kid: keys.key.keyId });
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const reply = await send('/things/mine', { headers: { authorization: `${scheme} ${token}` } });
      expect({ scheme, status: reply.status }).toEqual({ scheme, status: 200 });
    }
    expectEnvelope(await send('/things/mine', { headers: { authorization: `Basic ${token}` } }), 401, 'UNAUTHENTICATED');
  });

  it('routes a POST with X-HTTP-Method-Override: PATCH as the PATCH (wx.request has no PATCH), and nothing else', async () => {
    const override = (method: string, value: string, path = '/things/a') =>
      send(path, { method, body: { rank: 3 }, headers: { 'x-http-method-override': value } });
    const patched = await override('POST', 'PATCH');
    expect({ status: patched.status, body: patched.body }).toEqual({ status: 200, body: { rank: 3 } });
    expect((await override('POST', ' patch ')).status).toBe(200);
    // POST /things/a is no route: the header turns POST into PATCH only.
    for (const value of ['DELETE', 'GET', 'PUT']) expectEnvelope(await override('POST', value), 404, 'ROUTE_NOT_FOUND');
    // Only a POST can be overridden: a GET stays a GET.
    expect((await send('/things', { headers: { 'x-http-method-override': 'PATCH' } })).status).toBe(200);
  });
});
