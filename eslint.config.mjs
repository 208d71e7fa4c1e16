// ESLint for the whole tree: typescript-eslint's type-checked rules, Prettier for layout, and import boundaries
// (an app never imports another app's files; libs import neither apps nor tools).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const APPS = ['auth', 'catalog', 'orders', 'upload'];
const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.cluster-spec.ts', '**/test/**', 'libs/testing/**', 'test/**'];

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', '.stack/**', 'tools/api-docs/generated/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  // The SDK's build output, and its types generated from docs/openapi.json (npm run sdk:types).
  { ignores: ['sdk/miniprogram/dist/**', 'sdk/miniprogram/src/api-types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Nest and TypeORM take classes and decorators whose metadata is typed loosely; `void` marks a floating promise on purpose.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Views are built by static `from` functions passed to map(): they use no `this`.
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
    },
  },
  // Tests read JSON replies as `any`: checking every field's type there would only repeat the assertions.
  {
    files: TESTS,
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Fakes and handlers passed where a promise is expected are async without awaiting.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...APPS.map((app) => ({
    files: [`apps/${app}/src/**/*.ts`],
    ignores: TESTS,
    rules: restrict([
      {
        group: APPS.filter((other) => other !== app).map((other) => `**/${other}/src/**`),
        message: 'An app talks to another over the bus (libs/contracts), never through its files.',
      },
      { group: ['**/tools/**', '**/test/**'], message: 'Apps do not depend on tools or tests.' },
    ]),
  })),
  {
    files: ['libs/**/*.ts'],
    rules: restrict([
      { group: ['**/apps/**', '**/tools/**', ...APPS.map((app) => `**/${app}/src/**`)], message: 'Libs are below apps and tools: they import neither.' },
    ]),
  },
);
