import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from './find-repo-root';
import { HAPROXY_BACKENDS, HaproxyConfigInput, HaproxyServer, validateHaproxyConfigInput } from './haproxy-config-input';

export type { HaproxyBackendName, HaproxyConfigInput, HaproxyServer } from './haproxy-config-input';

/** Absolute path of deploy/haproxy/haproxy.cfg.tmpl, from the sources or from dist. */
export function haproxyTemplatePath(): string {
  return join(findRepoRoot(), 'deploy', 'haproxy', 'haproxy.cfg.tmpl');
}

function serverLines(servers: HaproxyServer[]): string {
  if (servers.length === 0) return '    # no servers: every request is answered 503';
  return servers.map(({ name, host, port }) => `    server ${name} ${host}:${port}`).join('\n');
}

/** The HAProxy configuration for `input`; throws on invalid input before touching the template. */
export function renderHaproxyConfig(input: HaproxyConfigInput): string {
  validateHaproxyConfigInput(input);
  const values: Record<string, string> = {
    publicBind: input.publicBind,
    statsBind: input.statsBind,
    runtimeSocket: input.runtimeSocket,
  };
  for (const backend of HAPROXY_BACKENDS) values[`${backend}Servers`] = serverLines(input.backends[backend]);

  const template = readFileSync(haproxyTemplatePath(), 'utf8');
  return template.replace(/\{\{(\w+)\}\}/g, (placeholder: string, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`HAProxy template: unknown placeholder ${placeholder}`);
    return value;
  });
}
