// Both functions of a barrier, built and written: what `cogcf bundle` ships
// and what `cogcf dev` runs. Both build before anything is written, so a
// failure leaves the output folder as it was.
import type { ResolvedConfig } from '../config/resolve-config.js';
import { barrierFunctions, bundleFunction, writeFunction, type BuiltFunction, type BundledFunction } from './build-functions.js';

export const formatBytes = (n: number): string => n.toLocaleString('en');

export async function buildBarrier(config: ResolvedConfig, outDir: string, log: (line: string) => void): Promise<BuiltFunction[]> {
  const bundled: BundledFunction[] = [];
  for (const spec of barrierFunctions(config)) {
    log(`Building the ${spec.name}…`);
    const fn = await bundleFunction(spec);
    for (const warning of fn.warnings) log(`warning (${fn.name}): ${warning}`);
    bundled.push(fn);
  }
  const built: BuiltFunction[] = [];
  for (const fn of bundled) {
    const written = await writeFunction(fn, outDir);
    log(`Wrote the ${fn.name}: ${formatBytes(written.bytes)} B raw, ${formatBytes(written.gzipBytes)} B gzip, ${formatBytes(written.zipBytes)} B zip`);
    built.push(written);
  }
  return built;
}
