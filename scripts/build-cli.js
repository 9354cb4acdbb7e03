// Builds the cogcf CLI (src/cli/main.ts) into dist/cli.js, the file both bins
// import. Dependencies stay external: they are installed with the package, and
// esbuild in particular must be the real package (it runs its own binary).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.js',
  absWorkingDir: new URL('..', import.meta.url).pathname,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
});
