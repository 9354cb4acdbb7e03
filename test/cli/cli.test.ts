import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, runBin } from './run-bin.js';

describe('cogcf', () => {
  it('--help lists the commands and the exit codes on stdout (exit 0)', () => {
    const r = runBin('cogcf', ['--help']);
    expect(r.status, r.transcript).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cogcf/);
    expect(r.stdout).toContain('bundle');
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).not.toMatch(/^\s+init\b/m);
    expect(r.stderr).toBe('');
  });

  it('bundle --help documents its flags', () => {
    const r = runBin('cogcf', ['bundle', '--help']);
    expect(r.status, r.transcript).toBe(0);
    for (const flag of ['--config <file>', '--out <dir>', '--json']) expect(r.stdout).toContain(flag);
  });

  it('--version prints the package version', () => {
    const r = runBin('cogcf', ['--version']);
    const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
    expect(r.status, r.transcript).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('without a command shows the help on stderr and exits 2', () => {
    const r = runBin('cogcf', []);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: cogcf');
  });

  it('rejects an unknown command with a suggestion and a hint (exit 2)', () => {
    const r = runBin('cogcf', ['bundel']);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'bundel'");
    expect(r.stderr).toContain('Did you mean bundle?');
    expect(r.stderr).toContain('hint: Run `cogcf --help`');
  });

  it('rejects an unknown option before complaining about missing ones (exit 2)', () => {
    const r = runBin('cogcf', ['bundle', '--confg', 'x.json', '--out', 'y']);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain("unknown option '--confg'");
    expect(r.stderr).toContain('Did you mean --config?');
    expect(r.stderr).toContain('hint: Run `cogcf bundle --help`');
  });

  it('answers a usage error in JSON on stdout when --json is given', () => {
    const r = runBin('cogcf', ['bundle', '--json', '--out', 'x']);
    expect(r.status, r.transcript).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      schemaVersion: 1,
      command: 'bundle',
      ok: false,
      error: { code: 'ERR_USAGE', message: 'missing --config <file>', hint: 'Run `cogcf bundle --help` for usage.' },
    });
  });
});

describe('create-cogcf-barrier', () => {
  it('says the wizard is not in this version, points to cogcf bundle, and exits 2', () => {
    const r = runBin('create-cogcf-barrier', ['--yes', 'my-site']);
    expect(r.status, r.transcript).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: The setup wizard (create-cogcf-barrier, cogcf init) is not in this version');
    expect(r.stderr).toContain('cogcf bundle --config <file> --out <dir>');
  });

  it('says the same in JSON under --json', () => {
    const r = runBin('create-cogcf-barrier', ['--json']);
    expect(r.status, r.transcript).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: 1, command: 'init', ok: false, error: { code: 'ERR_NOT_AVAILABLE' } });
  });
});
