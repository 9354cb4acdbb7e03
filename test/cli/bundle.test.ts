// `cogcf bundle` through the built bin with the shipped example config, the
// way someone deploying with their own infrastructure code runs it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, type BinResult } from './run-bin.js';

const EXAMPLE = 'templates/barrier.example.json';
const FUNCTIONS = ['checker', 'manager'] as const;
const require = createRequire(import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'cogcf-bundle-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function bundle(out: string, config = EXAMPLE, ...extra: string[]): BinResult {
  const r = runBin('cogcf', ['bundle', '--config', config, '--out', out, ...extra]);
  if (r.status !== 0) throw new Error(`bundle failed:\n${r.transcript}`);
  return r;
}

/** The example config with some fields changed, written to a file. */
function exampleWith(name: string, change: (config: Record<string, Record<string, unknown>>) => void): string {
  const config = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, Record<string, unknown>>;
  change(config);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

interface JsonDoc {
  schemaVersion: number;
  command: string;
  ok: boolean;
  functions: { name: string; path: string; bytes: number; gzipBytes: number; zipPath: string; zipBytes: number; sha256: string }[];
}

describe('cogcf bundle --config templates/barrier.example.json', () => {
  let human: BinResult;
  let json: BinResult;
  const first = join(dir, 'first');
  const second = join(dir, 'second', 'nested');

  beforeAll(() => {
    human = bundle(first);
    json = bundle(second, EXAMPLE, '--json');
  });

  it('writes both functions, their maps and zips', () => {
    for (const name of FUNCTIONS) {
      expect(readdirSync(join(first, name)).sort()).toEqual(['index.js', 'index.js.map', 'package.json']);
      expect(existsSync(join(first, `${name}.zip`))).toBe(true);
    }
  });

  it('prints progress and sizes on stderr and a table on stdout', () => {
    expect(human.stderr).toMatch(/Wrote the checker: [\d,]+ B raw, [\d,]+ B gzip, [\d,]+ B zip/);
    expect(human.stderr).toMatch(/Wrote the manager: [\d,]+ B raw/);
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^function\s+raw bytes\s+gzip bytes\s+zip bytes\s+zip\s+zip sha256$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['checker', 'manager']);
    expect(human.stdout).toContain(sha256(join(first, 'checker.zip')));
  });

  it('under --json prints exactly one JSON document that matches the files', () => {
    const doc = JSON.parse(json.stdout) as JsonDoc;
    expect(doc).toMatchObject({ schemaVersion: 1, command: 'bundle', ok: true });
    expect(doc.functions.map((f) => f.name)).toEqual(['checker', 'manager']);
    for (const f of doc.functions) {
      expect(Object.keys(f).sort()).toEqual(['bytes', 'gzipBytes', 'name', 'path', 'sha256', 'zipBytes', 'zipPath']);
      expect(f.path).toBe(join(second, f.name, 'index.js'));
      expect(f.zipPath).toBe(join(second, `${f.name}.zip`));
      expect(f.bytes).toBe(readFileSync(f.path).length);
      expect(f.zipBytes).toBe(readFileSync(f.zipPath).length);
      expect(f.sha256).toBe(sha256(f.zipPath));
      expect(f.gzipBytes).toBeGreaterThan(0);
    }
    expect(json.stderr).toContain('Wrote the checker');
  });

  it('builds byte-for-byte identical zips on every run, wherever they are written', () => {
    for (const name of FUNCTIONS) {
      expect(readFileSync(join(second, `${name}.zip`)).equals(readFileSync(join(first, `${name}.zip`)))).toBe(true);
    }
  });

  it('keeps the checker zip far under the 1 MB viewer-request limit', () => {
    expect(readFileSync(join(first, 'checker.zip')).length).toBeLessThan(1024 * 1024);
  });

  it('ships valid zips that hold index.js exporting handler', () => {
    for (const name of FUNCTIONS) {
      const zip = join(first, `${name}.zip`);
      execFileSync('unzip', ['-tq', zip]);
      const listing = execFileSync('python3', ['-m', 'zipfile', '-l', zip], { encoding: 'utf8' });
      expect(listing).toContain('index.js');
      const extracted = join(dir, 'extracted', name);
      execFileSync('python3', ['-m', 'zipfile', '-e', zip, extracted]);
      const loaded = require(join(extracted, 'index.js')) as { handler?: unknown };
      expect(typeof loaded.handler, name).toBe('function');
    }
  });

  it('keeps the source map out of the edge zip and in the manager zip', () => {
    const names = (zip: string) => execFileSync('python3', ['-c', 'import sys,zipfile; print(" ".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zip], { encoding: 'utf8' }).trim();
    expect(names(join(first, 'checker.zip'))).toBe('index.js package.json');
    expect(names(join(first, 'manager.zip'))).toBe('index.js index.js.map package.json');
  });

  it('bakes each function its own config, and nothing of Cognito into the edge function', () => {
    const checker = readFileSync(join(first, 'checker', 'index.js'), 'utf8');
    const manager = readFileSync(join(first, 'manager', 'index.js'), 'utf8');
    expect(checker).toContain('cogcf-sessions');
    expect(checker).toContain('/_identity/login');
    expect(checker).not.toContain('1example23456789abcdefghij');
    expect(manager).toContain('1example23456789abcdefghij');
    expect(manager).toContain('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123');
  });
});

describe('cogcf bundle with a changed config', () => {
  it('changes the hash of each zip whose config changed, and only those', () => {
    const base = JSON.parse(bundle(join(dir, 'base'), EXAMPLE, '--json').stdout) as JsonDoc;
    const table = JSON.parse(
      bundle(join(dir, 'table'), exampleWith('table', (c) => (c.sessionTable!.name = 'other-sessions')), '--json').stdout,
    ) as JsonDoc;
    const client = JSON.parse(
      bundle(join(dir, 'client'), exampleWith('client', (c) => (c.cognito!.clientId = 'anotherclientid1234567890')), '--json').stdout,
    ) as JsonDoc;
    const hashes = (doc: JsonDoc) => doc.functions.map((f) => f.sha256);
    const [checker, manager] = hashes(base);
    expect(hashes(table)[0]).not.toBe(checker);
    expect(hashes(table)[1]).not.toBe(manager);
    expect(hashes(client)[0]).toBe(checker);
    expect(hashes(client)[1]).not.toBe(manager);
  });
});

describe('cogcf bundle with a bad config', () => {
  it('names the field on stderr, exits 2 and writes nothing', () => {
    const config = exampleWith('bad', (c) => (c.cognito!.userPoolId = 'eu-west-1-AbCdEf123'));
    const out = join(dir, 'never');
    const r = runBin('cogcf', ['bundle', '--config', config, '--out', out]);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain(`error: Invalid barrier config ${config}:`);
    expect(r.stderr).toContain('cognito.userPoolId: expected a user pool id');
    expect(r.stderr).toContain('hint: ');
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('under --json answers with one JSON error document', () => {
    const config = exampleWith('bad-json', (c) => (c.checker!.lookupTimeoutMs = 9000));
    const r = runBin('cogcf', ['bundle', '--config', config, '--out', join(dir, 'never'), '--json']);
    expect(r.status, r.transcript).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('ERR_CONFIG_INVALID');
    expect(doc.error.message).toContain('checker.lookupTimeoutMs');
  });

  it('refuses a config without cognito.clientId, which only deploy can do without (exit 2, nothing written)', () => {
    const config = exampleWith('no-client', (c) => delete c.cognito!.clientId);
    const out = join(dir, 'never');
    const r = runBin('cogcf', ['bundle', '--config', config, '--out', out]);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain(`error: Invalid barrier config ${config}:\n  cognito.clientId: required for cogcf bundle`);
    expect(r.stderr).toMatch(/hint: .*`cogcf deploy` needs none/);
    expect(existsSync(out)).toBe(false);
  });

  it('names a missing config file (exit 2)', () => {
    const r = runBin('cogcf', ['bundle', '--config', join(dir, 'nope.json'), '--out', join(dir, 'never')]);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain(`Config file not found: ${join(dir, 'nope.json')}`);
  });

  it('names the missing --config flag (exit 2)', () => {
    const r = runBin('cogcf', ['bundle', '--out', join(dir, 'never')]);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain('error: missing --config <file>');
  });

  it('names the missing --out flag (exit 2)', () => {
    const r = runBin('cogcf', ['bundle', '--config', EXAMPLE]);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain('error: missing --out <dir>');
  });

  it('fails with exit 1 when --out cannot be written', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const r = runBin('cogcf', ['bundle', '--config', EXAMPLE, '--out', file]);
    expect(r.status, r.transcript).toBe(1);
    expect(r.stderr).toContain('error: Cannot write the checker');
  });
});
