import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';
import { httpErrorLines, routeNotFoundLine } from './haproxy-error-replies';
import { HAPROXY_BACKENDS, HaproxyConfigInput, HaproxyServer, HaproxyTlsInput, validateHaproxyConfigInput } from './haproxy-config-input';

export type { HaproxyBackendName, HaproxyConfigInput, HaproxyServer, HaproxyTlsInput } from './haproxy-config-input';

/** Absolute path of deploy/haproxy/haproxy.cfg.tmpl, from the sources or from dist. */
export function haproxyTemplatePath(): string {
  return join(findRepoRoot(), 'deploy', 'haproxy', 'haproxy.cfg.tmpl');
}

function serverLines(servers: HaproxyServer[]): string {
  if (servers.length === 0) return '    # no servers: every request is answered 503';
  return servers.map(({ name, host, port }) => `    server ${name} ${host}:${port}`).join('\n');
}

/** The tls* placeholders: comments without TLS, else the HTTPS listener, redirect, HSTS and ACME passthrough. */
function tlsValues(tls: HaproxyTlsInput | undefined): Record<string, string> {
  if (!tls) {
    return {
      tlsBind: '    # no HTTPS listener (rendered with a certificate: ssl crt ... alpn h2,http/1.1)',
      tlsRules: '    # plain HTTP only: no redirect, no ACME passthrough',
      tlsAcmeRoute: '    # (ACME challenges are routed only with TLS)',
      tlsAcmeBackend: '# no acme_challenge backend without TLS',
    };
  }
  const acme = tls.acmeChallenge;
  const rules = [
    ...(acme ? ['    acl acme_challenge path_beg /.well-known/acme-challenge/'] : []),
    ...(tls.redirectHttp === false ? [] : [`    http-request redirect scheme https code 308 if !{ ssl_fc }${acme ? ' !acme_challenge' : ''}`]),
    ...(tls.hstsMaxAgeSeconds ? [`    http-after-response set-header Strict-Transport-Security "max-age=${tls.hstsMaxAgeSeconds}" if { ssl_fc }`] : []),
  ];
  return {
    tlsBind: `    bind ${tls.bind} ssl crt ${tls.certificate} alpn h2,http/1.1`,
    tlsRules: rules.length ? rules.join('\n') : '    # HTTPS without redirect or ACME passthrough',
    tlsAcmeRoute: acme ? '    use_backend acme_challenge if acme_challenge !{ ssl_fc }' : '    # (no ACME challenge passthrough)',
    tlsAcmeBackend: acme
      ? [
          '# The ACME client answering HTTP-01 challenges (see deploy/haproxy/acme/); not health-checked, never retried elsewhere.',
          'backend acme_challenge',
          `    server acme ${acme.host}:${acme.port} no-check`,
        ].join('\n')
      : '# no acme_challenge backend: no ACME client configured',
  };
}

/** The HAProxy configuration for `input`; throws on invalid input before touching the template. */
export function renderHaproxyConfig(input: HaproxyConfigInput): string {
  validateHaproxyConfigInput(input);
  const values: Record<string, string> = {
    publicBind: input.publicBind,
    statsBind: input.statsBind,
    runtimeSocket: input.runtimeSocket,
    httpErrors: httpErrorLines(),
    routeNotFound: routeNotFoundLine(),
    ...tlsValues(input.tls),
  };
  for (const backend of HAPROXY_BACKENDS) values[`${backend}Servers`] = serverLines(input.backends[backend]);

  const template = readFileSync(haproxyTemplatePath(), 'utf8');
  return template.replace(/\{\{(\w+)\}\}/g, (placeholder: string, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`HAProxy template: unknown placeholder ${placeholder}`);
    return value;
  });
}
