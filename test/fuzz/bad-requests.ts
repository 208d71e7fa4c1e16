import fc from 'fast-check';
import { FUZZ_ROUTES, FuzzRoute, IdKind } from './fuzz-routes';

/** A request as the fuzzer sends it: everything a careless client or an attacker controls. */
export interface FuzzRequest {
  route: FuzzRoute;
  /** What was varied, for the report. */
  mutation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Which token goes in `authorization` (filled in when sent): the route's caller, another, a throwaway, none. */
  token: 'user' | 'staff' | 'throwaway' | 'none';
}

/** Real ids of each kind, made by the spec before fuzzing, so that bad bodies also reach existing rows. */
export type Fixtures = Record<IdKind, string>;

const UNKNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const MEGABYTE = 1024 * 1024;

/** Strings that broke or fooled backends somewhere: control characters, broken UTF-16, direction marks, injections, numbers in disguise. */
const ODD_STRINGS = [
  '',
  ' ',
  '\t',
  'a\u0000b',
  '\u0000',
  'a\u0007b',
  '\u001b[31mred',
  '\u202eexe.jpg',
  'a\u2066b',
  '\u200f',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\u0085',
  '\u2028',
  '\ufeffbom',
  '\uffff',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" UNION SELECT 1 --',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '..\\..\\windows',
  '%00',
  '%',
  '%zz',
  '\\',
  '"',
  '😀'.repeat(40),
  '１２３',
  '1e1',
  '0x10',
  '-0',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'x'.repeat(300),
  '张'.repeat(200),
  'a'.repeat(5000),
];
const ODD_NUMBERS = [
  -1,
  0,
  1,
  -0,
  0.5,
  1.5,
  -1.5,
  99,
  100,
  101,
  999,
  1000,
  1e6,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];
const ODD_IDS = [
  '%',
  '%00',
  '%25',
  '..',
  '%2e%2e',
  '0',
  '-1',
  'null',
  'undefined',
  UNKNOWN_ID,
  UNKNOWN_ID.toLowerCase(),
  `${UNKNOWN_ID}0`,
  'I'.repeat(26),
  'x'.repeat(300),
  '%E0%A4%A',
  '%F0%9F%98%80',
  "1' OR '1'='1",
  'a b',
  '😀',
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'a/b/c',
  'application/octet-stream',
  '',
];

const oddString = fc.constantFrom(...ODD_STRINGS);
const oddNumber = fc.constantFrom(...ODD_NUMBERS);
const anyText = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

/** A value of the wrong type, shape or size for any field. */
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  oddNumber,
  fc.integer(),
  fc.double(),
  oddString,
  anyText,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('a', 'name', 'id', '__proto__', 'constructor', 'skuId', 'quantity'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constantFrom(...ODD_IDS),
);

/** Shapes that look nearly right: an array of line-like objects for fields that take arrays. */
const nearlyRightValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant([{ skuId: UNKNOWN_ID, quantity: 1 }]),
  fc.array(fc.record({ skuId: fc.oneof(fc.constantFrom(...ODD_IDS), badValue), quantity: fc.oneof(oddNumber, badValue) }, { requiredKeys: [] }), {
    maxLength: 60,
  }),
  fc.record(
    { name: fc.oneof(oddString, badValue), phone: fc.oneof(oddString, fc.constant('13800138000'), badValue), address: fc.oneof(oddString, badValue) },
    { requiredKeys: [] },
  ),
  fc.array(fc.record({ name: oddString, priceFen: oddNumber, stock: oddNumber }), { maxLength: 3 }),
  fc.array(fc.record({ startsAt: fc.oneof(oddString, fc.constant('2030-01-01T10:00:00Z')), endsAt: oddString, capacity: oddNumber }), { maxLength: 3 }),
);

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A JSON body: near misses of the route's own fields, random JSON, deep nesting, prototype keys, 1 MB strings. */
function jsonBody(fields: string[]): fc.Arbitrary<{ mutation: string; body: string }> {
  const field = fields.length ? fc.constantFrom(...fields) : fc.constant('name');
  const known = fc.dictionary(field, fc.oneof(badValue, nearlyRightValue), { minKeys: 1, maxKeys: Math.max(1, fields.length) });
  const extra = fc.dictionary(
    fc.oneof(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom('priceFen', 'totalFen', 'userId', 'status', 'role', 'isAdmin')),
    fc.jsonValue({ maxDepth: 2 }),
    { minKeys: 1, maxKeys: 3 },
  );
  return fc.oneof(
    { weight: 8, arbitrary: known.map((value) => ({ mutation: 'bad field values', body: JSON.stringify(value) })) },
    { weight: 3, arbitrary: fc.tuple(known, extra).map(([a, b]) => ({ mutation: 'unknown fields', body: JSON.stringify({ ...b, ...a }) })) },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ mutation: 'random JSON', body: JSON.stringify(value) })) },
    {
      weight: 2,
      arbitrary: fc.tuple(field, fc.integer({ min: 11, max: 5000 }), fc.constantFrom('array' as const, 'object' as const)).map(([name, depth, kind]) => ({
        mutation: 'deep nesting',
        body: `{"${name}":${nested(depth, kind)}}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '{"a":1,"__proto__":null}')
        .map((body) => ({ mutation: 'prototype keys', body })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('{"a":', '{a:1}', "{'a':1}", '[1,]', 'NaN', '{"a":1}}', '\u0000', '{"a":"\\ud800"', '{"a":"\\x41"}', '{"a":01}', 'true false', '"')
        .map((body) => ({ mutation: 'broken JSON', body })),
    },
    { weight: 1, arbitrary: field.map((name) => ({ mutation: '1 MB string', body: JSON.stringify({ [name]: 'x'.repeat(MEGABYTE + 10) }) })) },
    { weight: 1, arbitrary: fc.constant({ mutation: 'empty JSON body', body: '' }) },
  );
}

const BOUNDARY = '----FuzzBoundary7MA4YWxkTrZu0gW';

function part(name: string, data: string | Buffer, filename?: string, type?: string): Buffer {
  const disposition = `form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}`;
  const head = `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'), Buffer.from('\r\n')]);
}

/** Multipart bodies as wx.uploadFile would send them, broken in the ways a client can break them. */
function multipartBody(image: Buffer): fc.Arbitrary<{ mutation: string; body: Buffer; contentType: string }> {
  const end = Buffer.from(`--${BOUNDARY}--\r\n`);
  const contentType = `multipart/form-data; boundary=${BOUNDARY}`;
  const cases: [string, Buffer, string?][] = [
    ['two file parts', Buffer.concat([part('file', image, 'a.png', 'image/png'), part('file', image, 'b.png', 'image/png'), end])],
    ['no file part', Buffer.concat([part('user', 'x'), end])],
    ['file under another name', Buffer.concat([part('photo', image, 'a.png', 'image/png'), end])],
    ['empty file', Buffer.concat([part('file', Buffer.alloc(0), 'a.png', 'image/png'), end])],
    ['not an image', Buffer.concat([part('file', 'MZ\u0090\u0000 not really a picture', 'a.jpg', 'image/jpeg'), end])],
    ['truncated image', Buffer.concat([part('file', image.subarray(0, 40), 'a.png', 'image/png'), end])],
    ['no closing boundary', part('file', image, 'a.png', 'image/png')],
    ['garbage', Buffer.from('this is not multipart at all')],
    ['wrong boundary', Buffer.concat([part('file', image, 'a.png', 'image/png'), end]), 'multipart/form-data; boundary=other'],
    ['no boundary', Buffer.concat([part('file', image, 'a.png', 'image/png'), end]), 'multipart/form-data'],
  ];
  const filenames = fc.constantFrom('../../etc/passwd', 'a\u0000.png', '\u202egnp.exe', 'x'.repeat(400), 'CON', '.', '..', '', 'a/b.png', '😀.png');
  return fc.oneof(
    fc.constantFrom(...cases).map(([mutation, body, type]) => ({ mutation: `multipart: ${mutation}`, body, contentType: type ?? contentType })),
    filenames.map((name) => ({ mutation: 'multipart: odd filename', body: Buffer.concat([part('file', image, name, 'image/png'), end]), contentType })),
    fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), oddString).map(([name, value]) => ({
      mutation: 'multipart: odd fields',
      body: Buffer.concat([part(name, value), part('file', image, 'a.png', 'image/png'), end]),
      contentType,
    })),
  );
}

/** A query string: the route's own parameters with bad values, unknown ones, repeated ones. */
function queryString(names: string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    fc.constantFrom(...(names.length ? names : ['limit'])),
    fc.stringMatching(/^[a-z]{1,8}$/),
    fc.constantFrom('__proto__', 'constructor', 'limit[]', 'a[b]'),
  );
  const value = fc.oneof(
    oddString,
    fc.constantFrom('1e1', '0x10', '101', '0', '-5', '20', '2030-01-01', 'paid', 'thumb', 'true'),
    fc.string({ maxLength: 20 }),
  );
  // Bytes that are not UTF-8 (a lone surrogate's encoding, an overlong slash, 0xFF), sent as they are.
  const invalidUtf8 = fc.constantFrom('%ED%A0%80', '%FF', '%C0%AF', '%', '%zz');
  const pair = fc.oneof(
    { weight: 9, arbitrary: fc.tuple(name, value).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`) },
    { weight: 1, arbitrary: fc.tuple(name, invalidUtf8).map(([k, v]) => `${percentEncode(k)}=${v}`) },
  );
  return fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.join('&')}`);
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes as the bytes Node would send for it. */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** Header values a client can send (fetch refuses control characters and non-Latin-1 text in headers). */
const headerText = fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,80}$/), fc.constantFrom('x'.repeat(4000), "' OR 1=1 --", '../..', '%00', 'é'));

/** Odd headers beside whatever else is varied: request ids, idempotency keys, ranges, accept. */
const oddHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom('x-request-id', 'idempotency-key', 'range', 'accept', 'x-forwarded-for', 'if-none-match', 'accept-encoding', 'x-http-method-override'),
  headerText,
  { maxKeys: 3 },
);

/** Authorization headers that are not a valid token (filled in as-is). */
export const BAD_AUTHORIZATION = [
  'Bearer',
  'Bearer ',
  'Bearer garbage',
  'Bearer a.b.c',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'Basic YWRtaW46YWRtaW4=',
  'Token abc',
  'x'.repeat(6000),
];

/** `arbitrary`'s value with probability about `share`, otherwise undefined. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, share: number): fc.Arbitrary<T | undefined> {
  const weight = Math.round(share * 100);
  return fc.oneof({ weight, arbitrary }, { weight: 100 - weight, arbitrary: fc.constant(undefined) });
}

function pathFor(route: FuzzRoute, fixtures: Fixtures, choice: { kind: 'valid' | 'wrong-kind' | 'odd'; odd: string; other: IdKind }): string {
  if (!route.id) return route.path;
  // Deleting the fixtures would leave the rest of the run with nothing real to hit.
  const kind = route.method === 'DELETE' && choice.kind === 'valid' ? 'odd' : choice.kind;
  const id = kind === 'valid' ? fixtures[route.id] : kind === 'wrong-kind' ? fixtures[choice.other] : choice.odd;
  return route.path.replace(':id', id);
}

/** Bad requests to every route of FUZZ_ROUTES: bodies, queries, ids, content types, tokens and headers, each varied on its own. */
export function badRequests(fixtures: Fixtures, image: Buffer): fc.Arbitrary<FuzzRequest> {
  const idKinds = Object.keys(fixtures) as IdKind[];
  const multipart = multipartBody(image);
  return fc.oneof(...FUZZ_ROUTES.map((route) => requestsTo(route, fixtures, idKinds, multipart)));
}

function requestsTo(route: FuzzRoute, fixtures: Fixtures, idKinds: IdKind[], multipart: ReturnType<typeof multipartBody>): fc.Arbitrary<FuzzRequest> {
  const idChoice = fc.record({
    kind: fc.constantFrom('valid' as const, 'valid' as const, 'wrong-kind' as const, 'odd' as const),
    odd: fc.constantFrom(...ODD_IDS),
    other: fc.constantFrom(...idKinds),
  });
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.constant(route.consumesToken ? ('throwaway' as const) : route.caller === 'anyone' ? ('none' as const) : route.caller) },
    { weight: 1, arbitrary: fc.constantFrom('none' as const, 'user' as const, 'staff' as const) },
  );
  const bodies =
    route.body === 'multipart'
      ? multipart.map(({ mutation, body, contentType }) => ({ mutation, body: body, contentType }))
      : route.body === 'json'
        ? fc.oneof(
            {
              weight: 9,
              arbitrary: jsonBody(route.fields ?? []).map(({ mutation, body }) => ({
                mutation,
                body: body,
                contentType: 'application/json',
              })),
            },
            {
              weight: 1,
              arbitrary: fc
                .tuple(fc.constantFrom(...CONTENT_TYPES), fc.constantFrom('{"a":1}', 'a=1&b=2', '<a/>', ''))
                .map(([contentType, body]) => ({ mutation: 'wrong content type', body: body, contentType })),
            },
          )
        : fc.oneof(
            { weight: 3, arbitrary: fc.constant({ mutation: 'no body', body: undefined as string | Buffer | undefined, contentType: '' }) },
            {
              weight: 1,
              arbitrary: jsonBody(['a']).map(({ mutation, body }) => ({
                mutation: `unexpected body: ${mutation}`,
                body: body,
                contentType: 'application/json',
              })),
            },
          );
  return fc
    .record({
      idChoice,
      token,
      body: bodies,
      query: sometimes(queryString(route.query ?? []), route.query ? 1 / 2 : 1 / 8),
      headers: oddHeaders,
      authorization: sometimes(fc.constantFrom(...BAD_AUTHORIZATION), 1 / 8),
    })
    .map(({ idChoice: choice, token: who, body, query, headers, authorization }) => {
      const canHaveBody = route.method !== 'GET';
      const mutations = [
        canHaveBody ? body.mutation : undefined,
        query ? 'query' : undefined,
        route.id && choice.kind !== 'valid' ? `id: ${choice.kind}` : undefined,
        authorization ? 'bad authorization' : undefined,
      ];
      const all: Record<string, string> = { ...headers };
      if (canHaveBody && body.body !== undefined && body.contentType) all['content-type'] = body.contentType;
      if (authorization) all.authorization = authorization;
      return {
        route,
        mutation: mutations.filter(Boolean).join(', ') || 'headers',
        method: route.method,
        path: `${pathFor(route, fixtures, choice)}${query ?? ''}`,
        headers: all,
        body: canHaveBody ? body.body : undefined,
        token: authorization ? 'none' : route.consumesToken && who !== 'none' ? 'throwaway' : who,
      };
    });
}
