import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse } from 'acorn';

const root = join(__dirname, '../..');
const sdk = join(root, 'sdk/miniprogram');
const bin = (name: string) => join(root, 'node_modules/.bin', name);

describe('mini-program SDK build', () => {
  let out: string;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'sdk-build-'));
    // The same compilation as `npm run sdk:build` (type checks included), into a directory of its own.
    execFileSync(bin('tsc'), ['-p', join(sdk, 'tsconfig.json'), '--outDir', out], { cwd: root, stdio: 'pipe' });
  }, 60000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('emits plain ES2018 CommonJS that requires only its own files: no Node module, no dependency', () => {
    const scripts = readdirSync(out).filter((name) => name.endsWith('.js'));
    expect(scripts).toEqual(expect.arrayContaining(['index.js', 'client.js', 'session.js', 'transport.js', 'wechat.js']));
    for (const name of scripts) {
      const source = readFileSync(join(out, name), 'utf8');
      // acorn at ecmaVersion 2018 refuses ?., ??, class fields, bigint and other later syntax.
      expect(() => parse(source, { ecmaVersion: 2018, sourceType: 'script' })).not.toThrow();
      const required = [...source.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
      expect(required.filter((target) => !target.startsWith('./'))).toEqual([]);
      expect(source).not.toMatch(/\b(process|Buffer|globalThis|window|document)\b\./);
    }
  });

  it('its package.json points at what the build emits', () => {
    const manifest = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: '@miniprogram-backend/sdk', main: 'dist/index.js', types: 'dist/index.d.ts' });
    expect(manifest.dependencies ?? {}).toEqual({});
    for (const entry of [manifest.main, manifest.types]) expect(existsSync(join(out, relative('dist', entry)))).toBe(true);
    const tsconfig = readFileSync(join(sdk, 'tsconfig.json'), 'utf8');
    expect(tsconfig).toMatch(/"target": "es2018"/);
    expect(tsconfig).toMatch(/"lib": \["es2018"\]/);
  });

  it('src/api-types.ts is what `npm run sdk:types` generates from docs/openapi.json (run it after the document changes)', () => {
    const generated = join(out, 'api-types.generated.ts');
    execFileSync(bin('openapi-typescript'), ['docs/openapi.json', '-o', generated], { cwd: root, stdio: 'pipe' });
    expect(readFileSync(join(sdk, 'src/api-types.ts'), 'utf8')).toBe(readFileSync(generated, 'utf8'));
  }, 60000);

  it("the README's mini-program files (utils/api.ts, app.ts, pages/index/index.ts) compile against the built package and WeChat's typings", () => {
    const project = join(out, 'example');
    const readme = readFileSync(join(sdk, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n\/\/ ([\w/.]+\.ts)[^\n]*\n([\s\S]*?)```/g)].map((match) => ({ file: match[1], source: match[2] }));
    expect(blocks.map((block) => block.file)).toEqual(['utils/api.ts', 'app.ts', 'pages/index/index.ts']);
    for (const block of blocks) {
      mkdirSync(dirname(join(project, block.file)), { recursive: true });
      writeFileSync(join(project, block.file), block.source);
    }
    // The mini-program's node_modules: the SDK as `npm install` would place it, and miniprogram-api-typings.
    const installed = join(project, 'node_modules/@miniprogram-backend/sdk');
    mkdirSync(installed, { recursive: true });
    cpSync(join(sdk, 'package.json'), join(installed, 'package.json'));
    for (const name of readdirSync(out).filter((entry) => entry.endsWith('.d.ts') || entry.endsWith('.js')))
      cpSync(join(out, name), join(installed, 'dist', name));
    symlinkSync(join(root, 'node_modules/miniprogram-api-typings'), join(project, 'node_modules/miniprogram-api-typings'));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2018',
          lib: ['es2018'],
          module: 'nodenext',
          types: ['miniprogram-api-typings'],
          strict: true,
          noEmit: true,
        },
        include: blocks.map((block) => block.file),
      }),
    );
    try {
      execFileSync(bin('tsc'), ['-p', join(project, 'tsconfig.json')], { cwd: project, stdio: 'pipe' });
    } catch (error) {
      throw new Error(`the README's example does not compile:\n${String((error as { stdout?: Buffer }).stdout)}`);
    }
  }, 60000);
});
