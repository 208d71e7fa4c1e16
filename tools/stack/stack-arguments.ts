import { ServiceName, SERVICES } from './cluster-options';

/** What `npm run stack -- ...` was asked for. */
export interface StackArguments {
  replicas: Record<ServiceName, number>;
  /** Processes that run every service (`--one-process`; `--replicas` says how many, default 1). */
  oneProcessReplicas: number;
  port: number;
}

const USAGE =
  'usage: npm run stack -- [--replicas N] [--auth N] [--catalog N] [--orders N] [--upload N] [--port 8080]\n' +
  '       npm run stack -- --one-process [--replicas N] [--port 8080]';

function count(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new Error(`${flag} needs a whole number 0-16\n${USAGE}`);
  return n;
}

/**
 * Parses `--replicas 2 --catalog 4 --port 8080`: a default replica count, per-service overrides, the public port; or
 * `--one-process [--replicas N]`: N processes (default 1) each running every service.
 */
export function parseStackArguments(argv: string[]): StackArguments {
  const oneProcess = argv.includes('--one-process');
  const rest = argv.filter((argument) => argument !== '--one-process');
  let all: number | undefined;
  let port = 8080;
  const overrides: Partial<Record<ServiceName, number>> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    const service = flag.replace(/^--/, '') as ServiceName;
    if (flag === '--replicas') all = count(flag, value);
    else if (flag === '--port') port = Number(value);
    else if (SERVICES.includes(service) && !oneProcess) overrides[service] = count(flag, value);
    else throw new Error(`unknown option ${flag}${oneProcess ? ' with --one-process' : ''}\n${USAGE}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port needs a port number\n${USAGE}`);
  const replicas = Object.fromEntries(SERVICES.map((service) => [service, oneProcess ? 0 : (overrides[service] ?? all ?? 2)])) as Record<ServiceName, number>;
  return { replicas, oneProcessReplicas: oneProcess ? (all ?? 1) : 0, port };
}
