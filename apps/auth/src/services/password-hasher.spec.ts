import { PasswordHasher } from './password-hasher';

async function millis(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function median(run: () => Promise<unknown>, times = 5): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await millis(run));
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)];
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('stores argon2id hashes with a salt of their own and verifies only the right password', async () => {
    const [first, second] = await Promise.all([hasher.hash('correct horse battery'), hasher.hash('correct horse battery')]);
    expect(first).toMatch(/^\$argon2id\$v=19\$/);
    expect(first.split('$')[3].split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(first).not.toBe(second);
    expect(await hasher.verify(first, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(first, 'correct horse batterY')).toBe(false);
    expect(await hasher.verify('not a hash', 'anything')).toBe(false);
  });

  it('answers false for an unknown account after as much work as a wrong password', async () => {
    const hash = await hasher.hash('the real one');
    expect(await hasher.verify(undefined, 'the real one')).toBe(false);
    const wrongPassword = await median(() => hasher.verify(hash, 'a wrong one'));
    const unknownAccount = await median(() => hasher.verify(undefined, 'a wrong one'));
    expect(unknownAccount).toBeGreaterThan(wrongPassword * 0.5);
  });
});
