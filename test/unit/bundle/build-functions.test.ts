// The build pipeline against small entry files of our own, so it is tested
// apart from the real handlers (test/cli builds those).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, nonBuiltinImports, writeFunction, type FunctionSpec } from '../../../src/bundle/build-functions.js';
import { isCogcfError } from '../../../src/errors.js';

let dir: string;
const require = createRequire(import.meta.url);

// Uses the baked config, a built-in at load time and one loaded lazily, as the real handlers do.
const ENTRY = `
import { createHash } from 'node:crypto';
declare const __COGCF_CONFIG__: unknown;
const config = __COGCF_CONFIG__ as { name: string };
export const handler = async () => ({ config, hash: createHash('sha256').update(config.name).digest('hex').length, http: typeof (await import('node:http')).request });
`;

const spec = (overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name: 'checker',
  entry: join(dir, 'entry.ts'),
  config: { name: 'one', list: [1, 2, 3] },
  mapInZip: false,
  maxZipBytes: 1024 * 1024,
  ...overrides,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cogcf-build-'));
  await writeFile(join(dir, 'entry.ts'), ENTRY);
  await writeFile(join(dir, 'foreign.ts'), `import x from 'cogcf-no-such-package';\nexport const handler = x;\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<{ code: string; message: string; exitCode: number }> {
  return promise.then(
    () => {
      throw new Error('resolved');
    },
    (e: unknown) => {
      if (!isCogcfError(e)) throw e;
      return e;
    },
  );
}

describe('bundleFunction + writeFunction', () => {
  it('writes a CommonJS handler with the config baked in, loadable by require and import', async () => {
    const out = join(dir, 'loadable');
    const built = await writeFunction(await bundleFunction(spec()), out);
    expect(built.path).toBe(join(out, 'checker', 'index.js'));
    const handler = (require(built.path) as { handler: () => Promise<unknown> }).handler;
    await expect(handler()).resolves.toEqual({ config: { name: 'one', list: [1, 2, 3] }, hash: 64, http: 'function' });
    const imported = (await import(pathToFileURL(built.path).href)) as { handler: unknown };
    expect(typeof imported.handler).toBe('function');
  });

  it('still loads as CommonJS inside a "type": "module" package', async () => {
    const project = join(dir, 'esm-project');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'package.json'), '{ "type": "module" }\n');
    const built = await writeFunction(await bundleFunction(spec()), join(project, 'out'));
    // A fresh Node process, so no loader of the test runner is involved.
    const probe = `const m = require(${JSON.stringify(built.path)}); process.stdout.write(typeof m.handler)`;
    expect(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })).toBe('function');
  });

  it('keeps the source map beside the file, and in the zip only when asked', async () => {
    const checker = await bundleFunction(spec());
    const manager = await bundleFunction(spec({ name: 'manager', mapInZip: true }));
    const js = (f: typeof checker) => new TextDecoder().decode(f.files.find((x) => x.name === 'index.js')!.data);
    expect(checker.files.map((f) => f.name)).toEqual(['index.js', 'index.js.map', 'package.json']);
    expect(js(checker)).not.toContain('sourceMappingURL');
    expect(js(manager)).toContain('//# sourceMappingURL=index.js.map');
    const names = (zip: Uint8Array) => execFileSync('python3', ['-c', 'import sys,zipfile,io; print(" ".join(zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read())).namelist()))'], { input: zip, encoding: 'utf8' }).trim();
    expect(names(checker.zip)).toBe('index.js package.json');
    expect(names(manager.zip)).toBe('index.js index.js.map package.json');
    const map = JSON.parse(new TextDecoder().decode(manager.files.find((f) => f.name === 'index.js.map')!.data)) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith('entry.ts'))).toBe(true);
  });

  it('gives identical zips for the same input, whatever the output directory', async () => {
    const a = await writeFunction(await bundleFunction(spec({ mapInZip: true })), join(dir, 'same-a'));
    const b = await writeFunction(await bundleFunction(spec({ mapInZip: true })), join(dir, 'deeper', 'same-b'));
    expect(b.sha256).toBe(a.sha256);
    expect((await readFile(b.zipPath)).equals(await readFile(a.zipPath))).toBe(true);
  });

  it('gives a different zip when the config changes', async () => {
    const a = await writeFunction(await bundleFunction(spec()), join(dir, 'config-a'));
    const b = await writeFunction(await bundleFunction(spec({ config: { name: 'two', list: [1, 2, 3] } })), join(dir, 'config-b'));
    expect(b.sha256).not.toBe(a.sha256);
  });

  it('reports sizes that match the files', async () => {
    const built = await writeFunction(await bundleFunction(spec()), join(dir, 'sizes'));
    expect(built.bytes).toBe((await readFile(built.path)).length);
    expect(built.zipBytes).toBe((await readFile(built.zipPath)).length);
    expect(built.gzipBytes).toBeGreaterThan(0);
    expect(built.gzipBytes).toBeLessThan(built.bytes);
    expect(built.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails, naming the import, when a dependency cannot be bundled', async () => {
    const e = await caught(bundleFunction(spec({ entry: join(dir, 'foreign.ts') })));
    expect(e.code).toBe('ERR_BUNDLE_BUILD');
    expect(e.message).toContain('cogcf-no-such-package');
    expect(e.exitCode).toBe(1);
  });

  it('fails when the zip is over the function type’s limit', async () => {
    const e = await caught(bundleFunction(spec({ maxZipBytes: 100 })));
    expect(e.code).toBe('ERR_BUNDLE_TOO_LARGE');
  });

  it('fails with a write error when --out cannot be created', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const e = await caught(writeFunction(await bundleFunction(spec()), join(file, 'out')));
    expect(e.code).toBe('ERR_OUTPUT_WRITE');
  });
});

describe('nonBuiltinImports', () => {
  const metafile = (paths: string[]): Metafile => ({
    inputs: {},
    outputs: {
      'index.js': {
        bytes: 1,
        inputs: {},
        exports: [],
        imports: paths.map((path) => ({ path, kind: 'require-call' as const, external: true })),
      },
    },
  });

  it('lets Node.js built-ins through, with or without the node: prefix', () => {
    expect(nonBuiltinImports(metafile(['node:https', 'crypto', 'node:zlib']))).toEqual([]);
  });

  it('names every other external import', () => {
    expect(nonBuiltinImports(metafile(['node:https', '@aws-sdk/client-dynamodb', 'jose']))).toEqual(['@aws-sdk/client-dynamodb', 'jose']);
  });
});
