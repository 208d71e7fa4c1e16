import { parseStackArguments } from './stack-arguments';

describe('npm run stack arguments', () => {
  it('runs two replicas of every service by default, with per-service counts', () => {
    expect(parseStackArguments([])).toEqual({ replicas: { auth: 2, catalog: 2, orders: 2, upload: 2 }, oneProcessReplicas: 0, port: 8080 });
    expect(parseStackArguments(['--replicas', '3', '--catalog', '4', '--port', '9090'])).toEqual({
      replicas: { auth: 3, catalog: 4, orders: 3, upload: 3 },
      oneProcessReplicas: 0,
      port: 9090,
    });
  });

  it('runs every service in one process with --one-process, or in as many as --replicas says', () => {
    expect(parseStackArguments(['--one-process'])).toEqual({ replicas: { auth: 0, catalog: 0, orders: 0, upload: 0 }, oneProcessReplicas: 1, port: 8080 });
    expect(parseStackArguments(['--replicas', '2', '--one-process']).oneProcessReplicas).toBe(2);
    expect(() => parseStackArguments(['--one-process', '--catalog', '2'])).toThrow(/unknown option --catalog with --one-process/);
  });
});
