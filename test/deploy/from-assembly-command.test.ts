// `cogcf deploy --from-assembly`: the built bin converts a 2019 assembly.yaml
// and plans both stacks against a moto server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBinAsync } from '../cli/run-bin.js';
import { createPoolWithDomain, useMoto } from '../support/moto.js';

// The keys the CLI test needs; test/unit/config/from-assembly.test.ts covers the rest of the format.
const ASSEMBLY = `
StacksPrefix: Barrier
CookieName: Barrier
Environment: { AWSProfile: forge-prod, Region: eu-west-1 }
Cloudfront: { DomainName: www.example.ch }
CognitoUserPool: { UserPoolId: POOL_ID, DomainName: forge-login }
`;

const moto = useMoto();
let dir: string;
let assemblyPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cogcf-assembly-deploy-'));
  assemblyPath = join(dir, 'assembly.yaml');
  writeFileSync(assemblyPath, ASSEMBLY.replace('POOL_ID', await createPoolWithDomain(moto, 'eu-west-1', 'forge-login')));
});
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface DeployJson {
  ok: boolean;
  dryRun: boolean;
  stacks: { stackName: string; region: string; action: string; status: string }[];
}

describe('cogcf deploy --from-assembly against moto', () => {
  it('--dry-run --json plans <StacksPrefix>-manager and -checker, with the notes and the converted config on stderr', async () => {
    const r = await runBinAsync('cogcf', ['deploy', '--from-assembly', assemblyPath, '--dry-run', '--json'], moto.env);

    expect(r.status, r.transcript).toBe(0);
    const doc = JSON.parse(r.stdout) as DeployJson;
    expect(doc).toMatchObject({ ok: true, dryRun: true });
    expect(doc.stacks.map((s) => [s.stackName, s.region, s.action, s.status])).toEqual([
      ['barrier-manager', 'eu-west-1', 'create', 'NOT_CREATED'],
      ['barrier-checker', 'us-east-1', 'create', 'NOT_CREATED'],
    ]);
    expect(r.stderr).toMatch(/^note: CookieName Barrier is not used/m);
    expect(r.stderr).toMatch(/^note: Environment\.AWSProfile is not applied: run with AWS_PROFILE=forge-prod/m);
    expect(r.stderr).toContain('"domain": "forge-login.auth.eu-west-1.amazoncognito.com"');
    expect(r.stderr).toContain('"name": "barrier-sessions"');
  }, 120_000);

  it('an explicit --stack-prefix wins over StacksPrefix, for the stacks and the table alike', async () => {
    const r = await runBinAsync('cogcf', ['deploy', '--from-assembly', assemblyPath, '--stack-prefix', 'moved', '--dry-run', '--json'], moto.env);

    expect(r.status, r.transcript).toBe(0);
    expect((JSON.parse(r.stdout) as DeployJson).stacks.map((s) => s.stackName)).toEqual(['moved-manager', 'moved-checker']);
    expect(r.stderr).toContain('"name": "moved-sessions"');
    expect(r.stderr).toMatch(/^note: StacksPrefix Barrier: the new stacks are moved-manager and moved-checker, and the table moved-sessions;/m);
  }, 120_000);

  it.each([
    ['both --config and --from-assembly', ['--config', 'barrier.json', '--from-assembly', 'assembly.yaml'], /--config <file> or --from-assembly <file>, not both/],
    ['neither', [], /missing --config <file> \(or --from-assembly <file>\)/],
  ])('exits 2 naming both flags when given %s', async (_, flags, message) => {
    const r = await runBinAsync('cogcf', ['deploy', ...flags, '--dry-run', '--json'], moto.env);

    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(JSON.parse(r.stdout)).toMatchObject({ command: 'deploy', ok: false, error: { code: 'ERR_USAGE' } });
  });

  it('exits 2 naming the unknown keys of an assembly, before touching AWS', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `${ASSEMBLY}Wiring: manual\n`);
    const r = await runBinAsync('cogcf', ['deploy', '--from-assembly', bad, '--dry-run', '--json'], moto.env);

    expect(r.status, r.transcript).toBe(2);
    expect(r.stderr).toContain('unknown keys: Wiring');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_CONFIG_INVALID' } });
  });
});
