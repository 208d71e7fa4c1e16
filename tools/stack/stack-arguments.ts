import { ServiceName, SERVICES } from './cluster-options';

/** What `npm run stack -- ...` was asked for. */
export interface StackArguments {
  replicas: Record<ServiceName, number>;
  port: number;
}

const USAGE = 'usage: npm run stack -- [--replicas N] [--auth N] [--catalog N] [--orders N] [--upload N] [--port 8080]';

function count(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new Error(`${flag} needs a whole number 0-16\n${USAGE}`);
  return n;
}

/** Parses `--replicas 2 --catalog 4 --port 8080`: a default replica count, per-service overrides, the public port. */
export function parseStackArguments(argv: string[]): StackArguments {
  let all = 2;
  let port = 8080;
  const overrides: Partial<Record<ServiceName, number>> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const service = flag.replace(/^--/, '') as ServiceName;
    if (flag === '--replicas') all = count(flag, value);
    else if (flag === '--port') port = Number(value);
    else if (SERVICES.includes(service)) overrides[service] = count(flag, value);
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port needs a port number\n${USAGE}`);
  const replicas = Object.fromEntries(SERVICES.map((service) => [service, overrides[service] ?? all])) as Record<ServiceName, number>;
  return { replicas, port };
}
