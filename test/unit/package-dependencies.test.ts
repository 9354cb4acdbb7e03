// What runs on a user's machine must be installed there: `npx` installs only
// `dependencies`. Every package the built CLI imports, and every package
// `cogcf bundle` bakes into the functions, must be listed there, not in
// devDependencies (a yaml import once was, and `cogcf deploy` would not start).
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-bin.js';

const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { dependencies: Record<string, string> };
const dependencies = Object.keys(manifest.dependencies);

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier);

const metafileOf = async (entry: string, external: boolean): Promise<Metafile> =>
  (
    await build({
      entryPoints: [`${ROOT}${entry}`],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
      ...(external ? { packages: 'external' as const } : {}),
    })
  ).metafile;

describe('package dependencies', () => {
  it('lists every package the built CLI imports', async () => {
    const metafile = await metafileOf('src/cli/main.ts', true);
    const imported = new Set(
      Object.values(metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageOf(i.path))),
    );
    expect([...imported].length).toBeGreaterThan(5);
    expect([...imported].filter((name) => !dependencies.includes(name))).toEqual([]);
  });

  it.each(['runtime/checker/index.ts', 'runtime/manager/index.ts'])('lists every package bundled into %s', async (entry) => {
    const metafile = await metafileOf(entry, false);
    const bundled = new Set(
      Object.keys(metafile.inputs)
        .filter((path) => path.includes('node_modules/'))
        .map((path) => packageOf(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))),
    );
    expect([...bundled].filter((name) => !dependencies.includes(name))).toEqual([]);
  });
});
