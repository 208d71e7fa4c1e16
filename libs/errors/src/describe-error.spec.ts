import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import fc from 'fast-check';
import { AppError } from './app-error';
import { describeError } from './describe-error';

describe('describeError', () => {
  it('keeps a domain error as it is', () => {
    const described = describeError(new AppError('TOKEN_EXPIRED', 'Access token has expired'));
    expect(described).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED', message: 'Access token has expired', unexpected: false });
  });

  it('maps Fastify body errors onto stable codes', () => {
    expect(describeError({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 })).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    expect(describeError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('maps framework exceptions by status', () => {
    expect(describeError(new NotFoundException())).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect(describeError(new PayloadTooLargeException())).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(describeError(new BadRequestException('x'))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('never leaks the text of an unexpected error', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const described = describeError(new Error(`SELECT * FROM users WHERE x='${text}' at /srv/app/main.js`));
        expect(described).toEqual({ status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', unexpected: true });
      }),
    );
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE when MySQL or Redis cannot be reached', () => {
    const queryFailed = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { name: 'QueryFailedError', driverError: { code: 'ECONNREFUSED' } });
    expect(describeError(queryFailed)).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', unexpected: false });
    expect(describeError(Object.assign(new Error('x'), { code: 'PROTOCOL_CONNECTION_LOST' }))).toMatchObject({ status: 503 });
    expect(
      describeError(Object.assign(new Error('Reached the max retries per request limit (which is 1).'), { name: 'MaxRetriesPerRequestError' })),
    ).toMatchObject({ status: 503 });
    expect(describeError(new Error('Connection is closed.'))).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
  });
});
