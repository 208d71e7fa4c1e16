import apiDocument from '../../../../docs/openapi.json';
import { ERROR_STATUS } from '../../../../libs/errors/src/error-codes';
import { enErrorMessages } from './error-messages.en';
import { zhCnErrorMessages } from './error-messages.zh-CN';

// The document's codes and the backend's own (a code added there is in the document once it is regenerated).
const apiCodes = [...new Set<string>([...apiDocument.components.schemas.ErrorEnvelope.properties.code.enum, ...Object.keys(ERROR_STATUS)])];

describe('error messages', () => {
  it.each([
    ['zh-CN', zhCnErrorMessages],
    ['en', enErrorMessages],
  ])('%s has words for every code the API can answer, and only for those and the console’s own', (_locale, messages) => {
    expect(apiCodes.filter((code) => !(code in messages))).toEqual([]);
    const own = ['NETWORK_ERROR', 'UNEXPECTED_RESPONSE', 'NOT_STAFF'];
    expect(Object.keys(messages).filter((code) => !apiCodes.includes(code) && !own.includes(code))).toEqual([]);
  });

  it('never uses vue-i18n syntax characters that would break a message', () => {
    for (const text of [...Object.values(zhCnErrorMessages), ...Object.values(enErrorMessages)]) expect(text).not.toMatch(/[{}@|$]/);
  });
});
