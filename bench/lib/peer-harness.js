// A working copy of the shared peer harness (../shared/bench/peer is
// read-only and ships without node_modules): its files are copied into
// bench/.peer/ on every run, and `npm ci` runs there only when its lockfile
// changed since the last install.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const NOT_COPIED = new Set(['node_modules', 'dist', 'results']);
const INSTALLED_LOCK = '.cogcf-installed-lock.sha256';

export class BenchSetupError extends Error {
  name = 'BenchSetupError';
}

/** Copies file contents (not the read-only modes) so the next run can overwrite them. */
function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (NOT_COPIED.has(entry.name)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (entry.isFile()) fs.writeFileSync(target, fs.readFileSync(source));
  }
}

const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Returns the working copy's directory, installed and ready to run `bench.js`. */
export function preparePeerHarness(sourceDir, workDir, log) {
  for (const required of ['bench.js', 'package.json', 'package-lock.json', 'lib/subjects.js']) {
    if (!fs.existsSync(path.join(sourceDir, required))) {
      throw new BenchSetupError(
        `the peer harness is missing: ${path.join(sourceDir, required)} not found (set COGCF_PEER_BENCH to its directory)`,
      );
    }
  }
  copyTree(sourceDir, workDir);
  const lockHash = sha256(path.join(workDir, 'package-lock.json'));
  const marker = path.join(workDir, INSTALLED_LOCK);
  const installed = fs.existsSync(path.join(workDir, 'node_modules')) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === lockHash;
  if (installed) return workDir;
  log(`installing the peer harness in ${path.relative(process.cwd(), workDir)} (npm ci)…`);
  fs.rmSync(marker, { force: true });
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: workDir, stdio: 'inherit' });
  if (npm.status !== 0) throw new BenchSetupError(`npm ci failed in ${workDir} (exit ${npm.status ?? npm.signal})`);
  fs.writeFileSync(marker, lockHash);
  return workDir;
}
