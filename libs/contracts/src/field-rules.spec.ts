import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUserText } from './field-rules';

const repoRoot = join(__dirname, '../../..');

/** Every file that declares what a request may carry: each app's DTOs and the shared contracts. */
function requestDtoFiles(): string[] {
  // apps/all only composes the four services: it has no DTOs of its own.
  const apps = readdirSync(join(repoRoot, 'apps'))
    .map((app) => join(repoRoot, 'apps', app, 'src/dtos'))
    .filter((dir) => existsSync(dir));
  return [...apps, join(repoRoot, 'libs/contracts/src')].flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
      .map((name) => join(dir, name)),
  );
}

describe('request DTOs', () => {
  it('never let null through an optional field: @Optional() or @OptionalOrNull(), not @IsOptional()', () => {
    const offenders = requestDtoFiles().filter((file) => !file.endsWith('field-rules.ts') && /@IsOptional\(|ValidateIf\(/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('derive partial updates with skipNullProperties: false', () => {
    const partials = requestDtoFiles().flatMap((file) => readFileSync(file, 'utf8').match(/PartialType\(.*\) \{\}/g) ?? []);
    expect(partials.length).toBeGreaterThan(0);
    expect(partials.filter((line) => !line.includes('skipNullProperties: false'))).toEqual([]);
  });
});

describe('isUserText', () => {
  it('takes what people type in any script, emoji included', () => {
    for (const text of ['Alice', '张三', '😀👍🏽', 'café', 'Ñandú', 'a b', '']) expect(isUserText(text)).toBe(true);
    expect(isUserText('one\ntwo\r\n\tthree', true)).toBe(true);
  });

  it('refuses control characters, separators, direction marks and broken UTF-16', () => {
    const bad = ['\u0000', '\u0008', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\u200e', '\u202e', '\u2067', '\ud83d', '\ude00', '\ude00\ud83d'];
    for (const text of bad) {
      expect({ text, single: isUserText(`a${text}b`), multiline: isUserText(`a${text}b`, true) }).toEqual({ text, single: false, multiline: false });
    }
    expect(isUserText('a\nb')).toBe(false);
    expect(isUserText('a\tb')).toBe(false);
    expect(isUserText(42)).toBe(false);
  });
});
