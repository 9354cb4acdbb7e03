// Size of the checker as `cogcf bundle` ships it (target node22, config from
// the example file), once that command exists; the harness build above uses
// the peer's settings (node20) so that all subjects are built alike.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { REPO } from './checker-entry.js';

const oneLine = (text) => text.replace(/\s+/g, ' ').trim().slice(0, 200);

/**
 * { bytes, gzipBytes, note? } or { unavailable: reason }. A checker that was
 * built before the command failed (e.g. on the manager) is still measured.
 */
export function measureShippedChecker() {
  const cli = path.join(REPO, 'bin', 'cogcf.js');
  const config = path.join(REPO, 'templates', 'barrier.example.json');
  if (!fs.existsSync(cli) || !fs.existsSync(config)) return { unavailable: 'bin/cogcf.js or templates/barrier.example.json missing' };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cogcf-bench-bundle-'));
  try {
    const run = spawnSync(process.execPath, [cli, 'bundle', '--config', config, '--out', out], { encoding: 'utf8' });
    const file = path.join(out, 'checker', 'index.js');
    const failure = run.status === 0 ? undefined : `cogcf bundle exited ${run.status ?? run.signal}: ${oneLine(run.stderr || run.stdout || '')}`;
    if (!fs.existsSync(file)) return { unavailable: failure ?? 'cogcf bundle wrote no checker/index.js' };
    const code = fs.readFileSync(file);
    return { bytes: code.length, gzipBytes: zlib.gzipSync(code, { level: 9 }).length, ...(failure === undefined ? {} : { note: failure }) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
