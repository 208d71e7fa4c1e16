import { getMetadataStorage } from 'class-validator';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';
import { AppName, missingVariables, unknownVariables } from '../app-variables';
import { KubernetesResource, KubernetesValidator, kustomizeBuild } from './k8s-validate';
import { BackupEnv } from '../../backup/backup-env';

const root = findRepoRoot(__dirname);
const APPS: AppName[] = ['auth', 'catalog', 'orders', 'upload'];
const TARGETS = ['base', 'overlays/staging', 'overlays/production'];

type Container = {
  name: string;
  command?: string[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string }; periodSeconds?: number; failureThreshold?: number };
  livenessProbe?: { httpGet?: { path: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type PodSpec = { terminationGracePeriodSeconds?: number; containers: Container[] };
type BackupContainer = { securityContext?: { readOnlyRootFilesystem?: boolean }; volumeMounts?: { name: string; mountPath: string }[] };
type BackupPod = { restartPolicy?: string; volumes?: { name: string; emptyDir?: unknown }[] };
/** Every variable the backup tool reads (tools/backup/backup-env.ts). */
const BACKUP_VARIABLES = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(BackupEnv, '', true, false)
      .map((m) => m.propertyName),
  ),
];

const of = (resources: KubernetesResource[], kind: string) => resources.filter((r) => r.kind === kind);
const podSpec = (r: KubernetesResource) => (r.spec as { template: { spec: PodSpec } }).template.spec;
const labelsOf = (r: KubernetesResource) => (r.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;

describe('deploy/k8s', () => {
  const validator = new KubernetesValidator();
  const rendered = Object.fromEntries(TARGETS.map((target) => [target, kustomizeBuild(join(root, 'deploy/k8s', target))])) as Record<
    string,
    KubernetesResource[]
  >;

  describe.each(TARGETS)('%s, rendered by kustomize', (target) => {
    const resources = rendered[target];

    it('is valid against the Kubernetes schemas, unknown fields rejected', () => {
      const problems = resources.flatMap((r) => validator.validate(r).map((p) => `${r.kind}/${r.metadata.name} ${p.path}: ${p.message}`));
      expect(problems).toEqual([]);
      expect(of(resources, 'Deployment')).toHaveLength(4);
    });

    it('probes each app (startup, readiness on /health/ready, liveness), waits before SIGTERM and gives it time to drain', () => {
      for (const deployment of of(resources, 'Deployment')) {
        const pod = podSpec(deployment);
        const [container] = pod.containers;
        expect([deployment.metadata.name, container.command]).toEqual([
          deployment.metadata.name,
          ['node', `dist/apps/${deployment.metadata.name}/src/main.js`],
        ]);
        expect(container.startupProbe?.httpGet?.path).toBe('/health/live');
        expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
        expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
        // Out of the endpoints within ~4 s of failing readiness, like HAProxy's checks.
        expect((container.readinessProbe!.periodSeconds ?? 10) * (container.readinessProbe!.failureThreshold ?? 3)).toBeLessThanOrEqual(4);
        const preStop = Number(container.lifecycle?.preStop?.exec?.command[1]);
        const config = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name.startsWith('miniprogram-config'))!;
        const drainMs = Number((config.data as Record<string, string>).SHUTDOWN_DRAIN_MS);
        expect(drainMs).toBeGreaterThan(0);
        expect(preStop).toBeGreaterThan(0);
        // preStop, then the app's drain, then at most 15 s for in-flight requests (libs/bootstrap runService).
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + drainMs / 1000 + 15);
        expect(container.resources?.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
        expect(container.resources?.limits?.memory).toEqual(expect.any(String));
        expect((deployment.spec as { strategy: unknown }).strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      }
    });

    it('autoscales every Deployment on CPU at 70% (autoscaling/v2) and limits voluntary disruptions', () => {
      const deployments = of(resources, 'Deployment')
        .map((d) => d.metadata.name)
        .sort();
      const hpas = of(resources, 'HorizontalPodAutoscaler');
      expect(hpas.every((h) => h.apiVersion === 'autoscaling/v2')).toBe(true);
      expect(hpas.map((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).sort()).toEqual(deployments);
      for (const hpa of hpas) {
        const spec = hpa.spec as { minReplicas: number; maxReplicas: number; metrics: unknown[] };
        expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
        expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
        expect(spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
      }
      for (const deployment of of(resources, 'Deployment')) {
        expect((deployment.spec as { replicas?: number }).replicas).toBeUndefined();
        const labels = labelsOf(deployment);
        const pdbs = of(resources, 'PodDisruptionBudget').filter((p) =>
          Object.entries((p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels).every(([k, v]) => labels[k] === v),
        );
        expect([deployment.metadata.name, pdbs.length]).toEqual([deployment.metadata.name, 1]);
      }
    });

    it('routes the API paths through the Ingress to Services that select the right pods', () => {
      const services = of(resources, 'Service');
      const [ingress] = of(resources, 'Ingress');
      const paths = (ingress.spec as { rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[] }).rules[0].http.paths;
      expect(Object.fromEntries(paths.map((p) => [p.path, p.backend.service.name]))).toEqual({
        '/api/auth': 'auth',
        '/api/docs': 'auth',
        '/admin': 'auth',
        '/api/catalog': 'catalog',
        '/api/orders': 'orders',
        '/api/appointments': 'orders',
        '/api/cart': 'orders',
        '/api/coupons': 'orders',
        '/api/uploads': 'upload',
      });
      for (const service of services) {
        const selector = (service.spec as { selector: Record<string, string> }).selector;
        const deployment = of(resources, 'Deployment').find((d) => Object.entries(selector).every(([k, v]) => labelsOf(d)[k] === v));
        expect([service.metadata.name, deployment?.metadata.name]).toEqual([service.metadata.name, service.metadata.name]);
      }
    });

    it.each(APPS)('gives the %s app only variables it reads, and every one it needs (ConfigMaps + env)', (app) => {
      const deployment = of(resources, 'Deployment').find((d) => d.metadata.name === app)!;
      const [container] = podSpec(deployment).containers;
      const fromConfigMaps = (container.envFrom ?? []).flatMap((source) => {
        const map = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === source.configMapRef?.name);
        expect([source.configMapRef?.name, Boolean(map)]).toEqual([source.configMapRef?.name, true]);
        return Object.keys((map!.data as Record<string, string>) ?? {});
      });
      const set = [...fromConfigMaps, ...(container.env ?? []).map((e) => e.name)];
      expect(unknownVariables(app, set)).toEqual([]);
      expect(missingVariables(app, set)).toEqual([]);
    });

    it("believes X-Forwarded-For from the ingress controller's address range only, not the whole pod network", () => {
      const config = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name.startsWith('miniprogram-config'))!;
      const entries = (config.data as Record<string, string>).TRUSTED_PROXIES.split(',').map((entry) => entry.trim());
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        const match = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(entry);
        expect([entry, Boolean(match)]).toEqual([entry, true]);
        // A /24 at most: one reserved pool, where 10.0.0.0/8 trusted every pod.
        expect([entry, Number(match![2] ?? 32) >= 24]).toEqual([entry, true]);
      }
    });

    it('runs the migrate Job with every service database', () => {
      const [job] = of(resources, 'Job');
      const [container] = podSpec(job).containers;
      expect(container.command).toEqual(['node', 'dist/tools/migrate/main.js']);
      expect((container.env ?? []).map((e) => e.name)).toEqual(expect.arrayContaining(APPS.map((a) => `${a.toUpperCase()}_DATABASE_URL`)));
    });

    it('runs the nightly backup CronJob: one at a time, every service database, variables the backup tool reads, /tmp writable', () => {
      const [cronJob] = of(resources, 'CronJob');
      const spec = cronJob.spec as { schedule: string; concurrencyPolicy: string; jobTemplate: { spec: { template: { spec: PodSpec & BackupPod } } } };
      expect(spec.schedule).toMatch(/^\S+ \S+ \* \* \*$/);
      expect(spec.concurrencyPolicy).toBe('Forbid');
      const pod = spec.jobTemplate.spec.template.spec;
      const [container] = pod.containers as (Container & BackupContainer)[];
      expect(container.command).toEqual(['node', 'dist/tools/backup/main.js']);
      expect(existsSync(join(root, 'tools/backup/main.ts'))).toBe(true);
      const names = (container.env ?? []).map((e) => e.name);
      expect(names).toEqual(expect.arrayContaining(APPS.map((a) => `${a.toUpperCase()}_DATABASE_URL`)));
      const fromConfigMaps = (container.envFrom ?? []).flatMap((source) => {
        const map = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === source.configMapRef?.name);
        expect([source.configMapRef?.name, Boolean(map)]).toEqual([source.configMapRef?.name, true]);
        return Object.keys((map!.data as Record<string, string>) ?? {});
      });
      // The upload service's own ConfigMap says where its files are; every other variable is one the tool reads.
      expect(fromConfigMaps).toContain('UPLOAD_STORAGE_DRIVER');
      expect(names.filter((name) => !['NODE_ENV', 'TMPDIR', ...BACKUP_VARIABLES].includes(name))).toEqual([]);
      expect(names).toContain('BACKUP_S3_BUCKET');
      expect(pod.restartPolicy).toBe('Never');
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    });
  });

  it('puts each overlay in its own namespace with its own image tag', () => {
    for (const [target, namespace, tag] of [
      ['overlays/staging', 'miniprogram-staging', 'staging'],
      ['overlays/production', 'miniprogram', '1.0.0'],
    ]) {
      const resources = rendered[target];
      expect(resources.filter((r) => r.kind !== 'Namespace').every((r) => r.metadata.namespace === namespace)).toBe(true);
      const images = [...of(resources, 'Deployment'), ...of(resources, 'Job')].map((d) => (podSpec(d).containers[0] as { image?: string }).image);
      expect(new Set(images)).toEqual(new Set([`registry.example.com/miniprogram-backend:${tag}`]));
    }
  });

  it('gives the backup CronJob the same image as the apps in each overlay', () => {
    for (const [target, tag] of [
      ['overlays/staging', 'staging'],
      ['overlays/production', '1.0.0'],
    ]) {
      const [cronJob] = of(rendered[target], 'CronJob');
      const pod = (cronJob.spec as { jobTemplate: { spec: { template: { spec: PodSpec } } } }).jobTemplate.spec.template.spec;
      expect((pod.containers[0] as { image?: string }).image).toBe(`registry.example.com/miniprogram-backend:${tag}`);
    }
  });

  describe('the validator', () => {
    const deployment = () =>
      structuredClone(rendered.base.find((r) => r.kind === 'Deployment' && r.metadata.name === 'auth')!) as KubernetesResource & { spec: any };

    it.each<[string, (d: any) => void, RegExp]>([
      [
        'a misspelt probe',
        (d) => (d.spec.template.spec.containers[0].readinesProbe = d.spec.template.spec.containers[0].readinessProbe),
        /unknown key "readinesProbe"/,
      ],
      ['a field at the wrong level', (d) => (d.spec.terminationGracePeriodSeconds = 30), /unknown key "terminationGracePeriodSeconds"/],
      ['a string where a number goes', (d) => (d.spec.template.spec.terminationGracePeriodSeconds = '30'), /must be (number|integer)/],
      ['a missing selector', (d) => delete d.spec.selector, /must have required property 'selector'/],
      ['a wrong kind for the version', (d) => (d.kind = 'Deploymnet'), /no apps\/v1 Deploymnet/],
    ])('rejects %s', (_, change, message) => {
      const resource = deployment();
      const run = () =>
        validator
          .validate((change(resource), resource))
          .map((p) => `${p.path}: ${p.message}`)
          .join('\n');
      try {
        expect(run()).toMatch(message);
      } catch (error) {
        expect((error as Error).message).toMatch(message);
      }
    });
  });
});
