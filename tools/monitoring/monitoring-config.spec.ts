import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { freePort } from '#libs/testing';
import { parse } from 'yaml';
import { metricNamesIn, metricsDefinedInSources, ruleExpressions } from './promql-names';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const MONITORING = join(ROOT, 'deploy/monitoring');
const RULE_FILES = ['recording.rules.yml', 'alerts.rules.yml'].map((file) => join(MONITORING, 'rules', file));
/** node_exporter's series the rules read (node_exporter does not run here), and the textfile series the egress rule documents. */
const NODE_EXPORTER = [
  'node_cpu_seconds_total',
  'node_memory_MemAvailable_bytes',
  'node_memory_MemTotal_bytes',
  'node_network_transmit_bytes_total',
  'node_network_speed_bytes',
  'node_disk_io_time_seconds_total',
  'host_network_egress_limit_bytes',
];

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  return tool('promtool', args);
}

async function tool(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { maxBuffer: 1 << 22 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT') throw new Error(`${command} is not installed: run tools/setup.sh (Debian packages prometheus, prometheus-alertmanager)`);
    return { code: Number(failed.code ?? 1), output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** The names HAProxy's built-in Prometheus exporter serves, read from a real HAProxy with the stack's stats frontend. */
async function haproxyMetricNames(): Promise<Set<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-metrics-'));
  const [publicPort, statsPort] = [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    [
      'global',
      '    maxconn 100',
      'defaults',
      '    mode http',
      '    timeout connect 1s',
      '    timeout client 5s',
      '    timeout server 5s',
      'frontend public',
      `    bind 127.0.0.1:${publicPort}`,
      '    default_backend catalog',
      'backend catalog',
      '    server catalog-1 127.0.0.1:1 check',
      'frontend stats',
      `    bind 127.0.0.1:${statsPort}`,
      '    http-request use-service prometheus-exporter if { path /metrics }',
      '',
    ].join('\n'),
  );
  const haproxy: ChildProcess = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const text = await fetch(`http://127.0.0.1:${statsPort}/metrics`).then(
        (response) => response.text(),
        () => '',
      );
      if (text) return new Set([...text.matchAll(/^(haproxy_[a-z_]+)[{ ]/gm)].map((match) => match[1]));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('HAProxy did not serve /metrics');
  } finally {
    haproxy.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function defaultProcessMetricNames(): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  return metrics.flatMap((metric) =>
    String(metric.type) === 'histogram' ? ['_bucket', '_count', '_sum'].map((suffix) => `${metric.name}${suffix}`) : [metric.name],
  );
}

interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}

describe('deploy/monitoring (checked with the real promtool and HAProxy)', () => {
  let work: string;
  let known: Set<string>;
  const recorded = ruleExpressions(readFileSync(RULE_FILES[0], 'utf8')).map((rule) => rule.name);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'monitoring-spec-'));
    known = new Set([
      ...metricsDefinedInSources(ROOT),
      ...(await defaultProcessMetricNames()),
      ...(await haproxyMetricNames()),
      ...NODE_EXPORTER,
      ...recorded,
      'up',
    ]);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(readdirSync(join(MONITORING, 'prometheus')).filter((file) => file.endsWith('.yml')))(
    '%s passes promtool check config, with its rules and targets',
    async (file) => {
      // The files say where an operator mounts things (/etc/prometheus/...); here they point at this repository.
      const text = readFileSync(join(MONITORING, 'prometheus', file), 'utf8')
        .replaceAll('/etc/prometheus/rules/', `${join(MONITORING, 'rules')}/`)
        .replaceAll('/etc/prometheus/targets/', `${join(MONITORING, 'targets')}/`);
      expect(text).toMatch(/rule_files:/);
      writeFileSync(join(work, file), text);
      const result = await promtool('check', 'config', join(work, file));
      expect(result).toMatchObject({ code: 0 });
      expect(result.output).toContain('SUCCESS');
      expect(result.output).not.toContain('WARNING');
      expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
    },
  );

  it('every config scrapes each service, HAProxy and node_exporter', () => {
    for (const file of readdirSync(join(MONITORING, 'prometheus')).filter((name) => name.endsWith('.yml'))) {
      const text = readFileSync(join(MONITORING, 'prometheus', file), 'utf8');
      const jobs = [...text.matchAll(/job_name:\s*(\S+)/g)].map((match) => match[1]);
      const appJobs = jobs.includes('apps') ? ['auth', 'catalog', 'orders', 'upload'].filter((service) => text.includes(service)) : jobs;
      expect({ file, apps: appJobs }).toEqual({ file, apps: expect.arrayContaining(['auth', 'catalog', 'orders', 'upload']) });
      expect({ file, jobs }).toEqual({ file, jobs: expect.arrayContaining(['haproxy', 'node']) });
    }
  });

  it("keeps only each app job's own service in compose, where stage 2's one process answers to every service's name", () => {
    const config = parse(readFileSync(join(MONITORING, 'prometheus/prometheus.compose.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; metric_relabel_configs?: unknown[] }[];
    };
    for (const service of ['auth', 'catalog', 'orders', 'upload']) {
      const job = config.scrape_configs.find((candidate) => candidate.job_name === service);
      expect(job?.metric_relabel_configs).toEqual([{ source_labels: ['service'], regex: service, action: 'keep' }]);
    }
  });

  it('the rules pass promtool check rules', async () => {
    const result = await promtool('check', 'rules', ...RULE_FILES);
    expect(result.code).toBe(0);
    expect(result.output.match(/SUCCESS/g)).toHaveLength(2);
  });

  it('the alert unit tests pass promtool test rules', async () => {
    const result = await promtool('test', 'rules', join(MONITORING, 'rules/alerts.test.yml'));
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('the Alertmanager config passes amtool check-config', async () => {
    const result = await tool('amtool', ['check-config', join(MONITORING, 'alertmanager/alertmanager.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('every alert has a severity, a summary, a description and a runbook line, and a test that fires it and one that keeps it quiet', () => {
    const alertsText = readFileSync(RULE_FILES[1], 'utf8');
    const blocks = alertsText.split(/\n(?=\s*- alert: )/).slice(1);
    const tests = readFileSync(join(MONITORING, 'rules/alerts.test.yml'), 'utf8');
    const verdicts = new Map<string, Set<string>>();
    for (const match of tests.matchAll(/alertname: (\S+)\n\s*exp_alerts:( \[\])?/g)) {
      verdicts.set(match[1], (verdicts.get(match[1]) ?? new Set()).add(match[2] ? 'quiet' : 'fires'));
    }
    expect(blocks.length).toBeGreaterThanOrEqual(15);
    for (const block of blocks) {
      const name = /- alert: (\S+)/.exec(block)![1];
      expect({ name, severity: /severity: (critical|warning)/.test(block) }).toEqual({ name, severity: true });
      for (const annotation of ['summary', 'description', 'runbook'])
        expect({ name, annotation, present: new RegExp(`\\n\\s+${annotation}: "[^"]{10,}`).test(block) }).toEqual({ name, annotation, present: true });
      expect({ name, tested: [...(verdicts.get(name) ?? [])].sort() }).toEqual({ name, tested: ['fires', 'quiet'] });
    }
  });

  it('the rules read only metrics the services, HAProxy, node_exporter or the recording rules produce', () => {
    for (const file of RULE_FILES) {
      for (const rule of ruleExpressions(readFileSync(file, 'utf8'))) {
        const unknown = metricNamesIn(rule.expr).filter((name) => !known.has(name));
        expect({ rule: rule.name, unknown }).toEqual({ rule: rule.name, unknown: [] });
      }
    }
  });

  describe('the Grafana dashboard', () => {
    const dashboard = JSON.parse(readFileSync(join(MONITORING, 'grafana/dashboards/services-red.json'), 'utf8'));
    const panels: DashboardPanel[] = dashboard.panels;
    const queries = panels.filter((panel) => panel.type !== 'row');

    it('is an importable dashboard: uid, title, schema version, a Prometheus data-source variable and a service variable', () => {
      expect(dashboard).toMatchObject({ uid: expect.stringMatching(/^[a-z0-9-]{1,40}$/), title: expect.any(String), schemaVersion: expect.any(Number) });
      const variables = dashboard.templating.list;
      expect(variables).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
          expect.objectContaining({ name: 'service', type: 'query' }),
        ]),
      );
      expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
      for (const panel of panels) {
        expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
        expect(panel.gridPos.h).toBeGreaterThan(0);
      }
    });

    it('has rate, errors and duration per service, and every query panel uses the data-source variable', () => {
      const exprs = queries.flatMap((panel) => panel.targets!.map((target) => target.expr));
      expect(exprs.some((expr) => /sum by \(service\) \(rate\(http_request_duration_seconds_count/.test(expr))).toBe(true);
      expect(exprs.some((expr) => /status_code=~"5\.\."/.test(expr) && expr.includes('/ sum by (service)'))).toBe(true);
      expect(exprs.some((expr) => /histogram_quantile\(0\.99, sum by \(service, le\)/.test(expr))).toBe(true);
      for (const panel of queries) {
        expect({ panel: panel.title, datasource: panel.datasource?.uid, targets: panel.targets!.length > 0 }).toEqual({
          panel: panel.title,
          datasource: '${datasource}',
          targets: true,
        });
        for (const target of panel.targets!) expect(target.expr.trim()).not.toBe('');
      }
    });

    it('queries only metrics that exist in the code, HAProxy or the recording rules', () => {
      for (const panel of queries) {
        for (const target of panel.targets!) {
          const unknown = metricNamesIn(target.expr).filter((name) => !known.has(name));
          expect({ panel: panel.title, unknown }).toEqual({ panel: panel.title, unknown: [] });
        }
      }
    });
  });
});
