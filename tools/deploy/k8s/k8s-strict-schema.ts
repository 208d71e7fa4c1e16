import { dirname, join } from 'node:path';
import * as ts from 'typescript';

/** A JSON Schema (draft-07) object. */
export type JsonSchema = Record<string, unknown>;

/**
 * The "strict" JSON Schema of a Kubernetes kind, generated from the type declarations of the kubernetes-models
 * package (themselves generated from Kubernetes' OpenAPI): every object that is not a map is closed with
 * `additionalProperties: false`, so a misspelt or misplaced field is an error, as `kubectl --validate=strict`
 * would report; required fields, the apiVersion/kind constants, string enums, arrays and maps are kept. Value
 * formats and patterns are checked by the package's own validators (see validateKubernetesResource).
 */
export class KubernetesStrictSchemas {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly definitions: Record<string, JsonSchema> = {};
  private readonly names = new Map<ts.Symbol, string>();

  constructor(private readonly modelsRoot: string = dirname(require.resolve('kubernetes-models/package.json'))) {
    this.program = ts.createProgram([join(modelsRoot, 'index.d.ts')], {
      noEmit: true,
      strict: true,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: [],
    });
    this.checker = this.program.getTypeChecker();
  }

  /** The schema of `apiVersion`/`kind` (e.g. 'apps/v1', 'Deployment'), with every definition it needs. */
  schemaFor(apiVersion: string, kind: string): JsonSchema {
    const group = apiVersion.includes('/') ? apiVersion : `v1`;
    const file = join(this.modelsRoot, group === 'v1' ? 'v1' : group, `${kind}.d.ts`);
    const source = this.program.getSourceFile(file);
    if (!source) throw new Error(`kubernetes-models has no ${apiVersion} ${kind} (${file})`);
    const moduleSymbol = this.checker.getSymbolAtLocation(source);
    const symbol = moduleSymbol && this.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === `I${kind}`);
    if (!symbol) throw new Error(`kubernetes-models: no interface I${kind} in ${file}`);
    const root = this.schemaOf(this.checker.getDeclaredTypeOfSymbol(symbol));
    return { $schema: 'http://json-schema.org/draft-07/schema#', ...root, definitions: this.definitions };
  }

  private schemaOf(type: ts.Type): JsonSchema {
    const { checker } = this;
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (type.isUnion()) {
      const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      if (members.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
      if (members.every((t) => t.isStringLiteral())) return { type: 'string', enum: members.map((t) => t.value) };
      if (members.length === 1) return this.schemaOf(members[0]);
      return { anyOf: members.map((t) => this.schemaOf(t)) };
    }
    if (type.isStringLiteral()) return { const: type.value };
    if (type.flags & ts.TypeFlags.StringLike) return { type: 'string' };
    if (type.flags & ts.TypeFlags.NumberLike) return { type: 'number' };
    if (type.flags & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
    if (checker.isArrayType(type)) return { type: 'array', items: this.schemaOf(checker.getTypeArguments(type as ts.TypeReference)[0]) };
    if (type.flags & ts.TypeFlags.Object) {
      const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
      if (index) return { type: 'object', additionalProperties: this.schemaOf(index.type) };
      const symbol = type.aliasSymbol ?? type.getSymbol();
      const named = symbol && symbol.name !== '__type' && symbol.name !== '__object';
      if (!named) return this.objectSchema(type);
      let name = this.names.get(symbol);
      if (!name) {
        name = this.uniqueName(symbol);
        this.names.set(symbol, name);
        this.definitions[name] = {};
        this.definitions[name] = this.objectSchema(type);
      }
      return { $ref: `#/definitions/${name}` };
    }
    throw new Error(`KubernetesStrictSchemas: unsupported type ${checker.typeToString(type)}`);
  }

  private objectSchema(type: ts.Type): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration) continue;
      properties[property.name] = this.schemaOf(this.checker.getTypeOfSymbolAtLocation(property, declaration));
      if (!(property.flags & ts.SymbolFlags.Optional)) required.push(property.name);
    }
    return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
  }

  private uniqueName(symbol: ts.Symbol): string {
    const file = symbol.declarations?.[0]?.getSourceFile().fileName ?? '';
    const base = `${file
      .replace(/^.*node_modules\//, '')
      .replace(/\.d\.ts$/, '')
      .replace(/[^A-Za-z0-9]+/g, '.')}.${symbol.name}`;
    let name = base;
    for (let i = 2; Object.prototype.hasOwnProperty.call(this.definitions, name); i++) name = `${base}.${i}`;
    return name;
  }
}
