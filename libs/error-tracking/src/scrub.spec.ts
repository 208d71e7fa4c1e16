import { scrubText, scrubValue } from './scrub';

describe('scrubbing secrets before an event leaves', () => {
  it('filters bearer tokens, JWTs, secret query parameters and secret JSON fields inside text', () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    expect(scrubText(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer [Filtered]');
    expect(scrubText(`token ${jwt} refused`)).toBe('token [Filtered] refused');
    expect(scrubText('GET /sns/jscode2session?appid=wx1&secret=s3cr3t&js_code=0a1b&grant_type=authorization_code')).toBe(
      'GET /sns/jscode2session?appid=wx1&secret=[Filtered]&js_code=[Filtered]&grant_type=authorization_code',
    );
    expect(scrubText('{"username":"ops","password":"p@ss word"}')).toBe('{"username":"ops","password":"[Filtered]"}');
  });

  it('filters values under secret-named keys at any depth, keeps the rest and survives cycles', () => {
    const input: Record<string, unknown> = {
      user: { id: 'u1', phone: '13800138000' },
      headers: { Authorization: 'Bearer x', 'user-agent': 'wx' },
      extra: [{ session_key: 'k', note: 'fine' }],
      apiKey: 'a',
    };
    input.self = input;
    expect(scrubValue(input)).toEqual({
      user: { id: 'u1', phone: '[Filtered]' },
      headers: { Authorization: '[Filtered]', 'user-agent': 'wx' },
      extra: [{ session_key: '[Filtered]', note: 'fine' }],
      apiKey: '[Filtered]',
      self: '[Circular]',
    });
  });
});
