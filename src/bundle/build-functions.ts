// Builds the two Lambda functions with their configuration baked in (Lambda@Edge
// has no environment variables): one self-contained, minified CommonJS file
// each, plus a deterministic zip ready to deploy.
//
// Source maps: both functions get `index.js.map` next to `index.js` in the
// output directory. Only the manager's zip carries it (with a
// `sourceMappingURL` comment): a regional Lambda can run with
// NODE_OPTIONS=--enable-source-maps. Lambda@Edge cannot set NODE_OPTIONS, so
// in the checker's zip the map would only add bytes against the 1 MB limit and
// to every cold start; its map stays beside the zip to decode stack traces by hand.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildFailure, type Message, type Metafile } from 'esbuild';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { CogcfError } from '../errors.js';
import { packageRoot } from '../package-info.js';
import { deterministicZip, type ZipEntry } from './deterministic-zip.js';

export interface FunctionSpec {
  readonly name: string;
  /** Absolute path of the entry module; it exports `handler`. */
  readonly entry: string;
  /** Replaces the identifier `__COGCF_CONFIG__` in the code. */
  readonly config: unknown;
  /** Whether the zip carries index.js.map (see the top of this file). */
  readonly mapInZip: boolean;
  /** Lambda's limit for the zipped package. */
  readonly maxZipBytes: number;
}

export interface BuiltFunction {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly zipPath: string;
  readonly zipBytes: number;
  /** Hex SHA-256 of the zip. */
  readonly sha256: string;
}

const MB = 1024 * 1024;

/** The two functions of a barrier, built from runtime/ in this package. */
export function barrierFunctions(config: ResolvedConfig): FunctionSpec[] {
  const runtime = join(packageRoot(), 'runtime');
  return [
    // Viewer-request functions may be at most 1 MB zipped.
    { name: 'checker', entry: join(runtime, 'checker', 'index.ts'), config: config.checker, mapInZip: false, maxZipBytes: 1 * MB },
    { name: 'manager', entry: join(runtime, 'manager', 'index.ts'), config: config.manager, mapInZip: true, maxZipBytes: 50 * MB },
  ];
}

// In a `"type": "module"` package (this one, or a user's) Node would load
// index.js as ESM and find no `handler`; this marks the folder, and the
// unpacked zip, as CommonJS.
const COMMONJS_MARKER = new TextEncoder().encode('{ "type": "commonjs" }\n');

const formatMessage = (m: Message): string =>
  m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text;

const isBuildFailure = (e: unknown): e is BuildFailure =>
  e instanceof Error && Array.isArray((e as Partial<BuildFailure>).errors);

/** Imports esbuild left in the output that Lambda's Node.js cannot satisfy by itself. */
export function nonBuiltinImports(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((output) =>
    output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path),
  );
}

async function bundle(spec: FunctionSpec, root: string) {
  try {
    return await build({
      entryPoints: [spec.entry],
      // Never written: a fixed place inside the package, so the source map's
      // relative `sources` (and so the manager's zip) do not depend on --out.
      outfile: join(root, '.bundle', spec.name, 'index.js'),
      write: false,
      absWorkingDir: root,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      sourcemap: spec.mapInZip ? 'linked' : 'external',
      metafile: true,
      define: { __COGCF_CONFIG__: JSON.stringify(spec.config) },
      logLevel: 'silent',
    });
  } catch (e) {
    if (!isBuildFailure(e)) throw e;
    throw new CogcfError('ERR_BUNDLE_BUILD', `Could not build the ${spec.name}:\n${e.errors.map((m) => `  ${formatMessage(m)}`).join('\n')}`, {
      hint: 'This is a problem in the cogcf package itself, not in your config: please report it with the output above.',
      cause: e,
    });
  }
}

/** One function built in memory: nothing is written until every function has built. */
export interface BundledFunction {
  readonly name: string;
  /** index.js, index.js.map and package.json, as written to `<out>/<name>/`. */
  readonly files: readonly ZipEntry[];
  readonly zip: Uint8Array;
  /** esbuild's warnings, as `file:line:column: text`. */
  readonly warnings: readonly string[];
}

export async function bundleFunction(spec: FunctionSpec, root: string = packageRoot()): Promise<BundledFunction> {
  const result = await bundle(spec, root);
  const foreign = nonBuiltinImports(result.metafile);
  if (foreign.length > 0) {
    throw new CogcfError('ERR_BUNDLE_NON_BUILTIN_IMPORT', `The ${spec.name} bundle still imports ${foreign.join(', ')}, which Lambda does not provide.`, {
      hint: 'Every dependency must be bundled; only Node.js built-in modules may stay external.',
    });
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!.contents;
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'))!.contents;
  const files: ZipEntry[] = [
    { name: 'index.js', data: js },
    { name: 'index.js.map', data: map },
    { name: 'package.json', data: COMMONJS_MARKER },
  ];
  const zip = deterministicZip(files.filter((f) => spec.mapInZip || f.name !== 'index.js.map'));
  if (zip.length > spec.maxZipBytes) {
    throw new CogcfError('ERR_BUNDLE_TOO_LARGE', `The ${spec.name} zip is ${zip.length} bytes; Lambda accepts at most ${spec.maxZipBytes}.`, {
      hint: 'The config cannot grow a bundle this far (its lists are capped), so this is a problem in the cogcf package itself: please report it.',
    });
  }
  return { name: spec.name, files, zip, warnings: result.warnings.map(formatMessage) };
}

/** Writes `<outDir>/<name>/` and `<outDir>/<name>.zip`, and measures them. */
export async function writeFunction(fn: BundledFunction, outDir: string): Promise<BuiltFunction> {
  const dir = resolve(outDir, fn.name);
  const zipPath = resolve(outDir, `${fn.name}.zip`);
  try {
    await mkdir(dir, { recursive: true });
    await Promise.all([...fn.files.map((f) => writeFile(join(dir, f.name), f.data)), writeFile(zipPath, fn.zip)]);
  } catch (e) {
    throw new CogcfError('ERR_OUTPUT_WRITE', `Cannot write the ${fn.name} to ${outDir}: ${(e as Error).message}`, {
      hint: 'Pass a writable directory to --out.',
      cause: e,
    });
  }
  const js = fn.files.find((f) => f.name === 'index.js')!.data;
  return {
    name: fn.name,
    path: join(dir, 'index.js'),
    bytes: js.length,
    gzipBytes: gzipSync(js, { level: 9 }).length,
    zipPath,
    zipBytes: fn.zip.length,
    sha256: createHash('sha256').update(fn.zip).digest('hex'),
  };
}
