// NestJS 12 ships ESM only; Jest on Node 20 cannot require ESM, so those packages are
// transformed to CommonJS by swc (see docs/decisions/nestjs12-jest.md); @fastify/static is listed so its ESM-only content-disposition is.
const esmPackages = ['@nestjs', 'cookie', '@nats-io', 'jose', '@apidevtools', '@fastify/static', 'content-disposition'];
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  // A relative dynamic import names the compiled file (`./x.js`, as Node needs); under Jest it is the source.
  moduleNameMapper: { '^#libs/(.*)$': '<rootDir>/libs/$1/src', '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,web}/**/*.spec.ts', '<rootDir>/test/sdk/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'] },
    { ...base, displayName: 'cluster', testMatch: ['<rootDir>/test/**/*.cluster-spec.ts'] },
  ],
  // Per test; cluster specs that run load for longer pass their own.
  testTimeout: 30000,
};
