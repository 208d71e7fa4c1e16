import { ValidateFunction } from 'ajv';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { describeErrors, SchemaProblem, strictAjv } from '../compose-schema';
import { KubernetesStrictSchemas } from './k8s-strict-schema';

/** One Kubernetes object as rendered. */
export interface KubernetesResource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Renders a kustomization directory with the kustomize built into kubectl (`kubectl kustomize <dir>`). */
export function kustomizeBuild(dir: string): KubernetesResource[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`kubectl kustomize: ${result.error.message} (kubectl with kustomize v4+ is needed)`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as KubernetesResource)
    .filter(Boolean);
}

/**
 * Validates Kubernetes objects two ways: the kubernetes-models validators (Kubernetes' OpenAPI schema: types,
 * required fields, enums, formats) and a strict JSON Schema of the same kind (unknown fields rejected, see
 * KubernetesStrictSchemas) compiled by Ajv in strict mode.
 */
export class KubernetesValidator {
  private readonly schemas = new KubernetesStrictSchemas();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly ajv = strictAjv();

  validate(resource: KubernetesResource): SchemaProblem[] {
    const { apiVersion, kind } = resource;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [{ path: '/', message: 'apiVersion and kind are required' }];
    const key = `${apiVersion}/${kind}`;
    let strict = this.compiled.get(key);
    if (!strict) {
      strict = this.ajv.compile(this.schemas.schemaFor(apiVersion, kind));
      this.compiled.set(key, strict);
    }
    const problems = strict(resource) ? [] : describeErrors(strict.errors);
    return [...problems, ...this.upstreamProblems(resource)];
  }

  private upstreamProblems(resource: KubernetesResource): SchemaProblem[] {
    const group = resource.apiVersion.includes('/') ? resource.apiVersion : 'v1';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(`kubernetes-models/${group}/${resource.kind}`) as Record<string, new (data: unknown) => { validate(): void }>;
    try {
      new module[resource.kind](resource).validate();
      return [];
    } catch (error) {
      const details = (error as { errors?: { instancePath?: string; message?: string }[] }).errors;
      if (details?.length) return details.map((e) => ({ path: e.instancePath || '/', message: `${e.message ?? 'invalid'} (Kubernetes OpenAPI)` }));
      return [{ path: '/', message: (error as Error).message }];
    }
  }
}
