// `cogcf deploy` without --yes, as a person runs it in a terminal (tmux,
// against moto): both stacks' change sets are shown, nothing is executed until
// the answer, `n` (or Ctrl-C) deletes the change sets, `y` deploys.
import { DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../src/aws/clients.js';
import { ROOT } from '../cli/run-bin.js';
import { useMoto, writeDeployableConfig } from '../support/moto.js';
import { openTerminal, requireTmux, type Terminal } from '../support/terminal.js';

const REGION = 'eu-west-1'; // writeDeployableConfig's
const moto = useMoto();
let dir: string;
let configPath: string;
let terminal: Terminal | undefined;

beforeAll(async () => {
  requireTmux();
  dir = mkdtempSync(join(tmpdir(), 'cogcf-deploy-terminal-'));
  configPath = await writeDeployableConfig(moto, dir, 'asked-barrier', 'cogcf-asked-sessions');
});
afterEach(() => terminal?.close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `cogcf deploy` in a fresh terminal; its exit code is printed after it ends. */
function deployInTerminal(prefix: string): Terminal {
  const env = Object.entries(moto.env)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const command = `env ${env} NO_COLOR=1 node bin/cogcf.js deploy --config ${configPath} --stack-prefix ${prefix}; echo cogcf-exit=$?; sleep 60`;
  terminal = openTerminal(`cogcf-deploy-test-${process.pid}-${prefix}`, command, ROOT);
  return terminal;
}

const stackStatus = (region: string, stackName: string) =>
  awsClients({ region, endpoint: moto.endpoint })
    .cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))
    .then(
      (answer) => answer.Stacks?.[0]?.StackStatus,
      (e: Error) => (/does not exist/.test(e.message) ? undefined : Promise.reject(e)),
    );

const changeSetsOf = async (region: string, stackName: string) =>
  ((await awsClients({ region, endpoint: moto.endpoint }).cloudFormation.send(new ListChangeSetsCommand({ StackName: stackName }))).Summaries ?? []).filter(
    (c) => c.StackName === stackName,
  );

describe('cogcf deploy on a terminal, without --yes', () => {
  it('shows both change sets and asks; n deletes them and changes nothing (exit 1)', async () => {
    const t = deployInTerminal('declined');

    await t.waitFor(/Execute these change sets\?/, 60);
    const screen = t.screen();
    expect(screen).toMatch(/Change set of declined-manager:[\s\S]*SessionTable +AWS::DynamoDB::Table +Add/);
    expect(screen).toMatch(/Change set of declined-checker:[\s\S]*CheckerFunction +AWS::Lambda::Function +Add/);
    // Asked before anything ran: the stacks exist only for review.
    expect(await stackStatus(REGION, 'declined-manager')).toBe('REVIEW_IN_PROGRESS');

    t.keys('n');
    await t.waitFor(/cogcf-exit=1/, 30);
    expect(t.screen()).toContain('error: Not confirmed: Stack declined-manager was not changed: its change set was deleted.');
    expect(await stackStatus(REGION, 'declined-manager')).toBeUndefined();
    expect(await stackStatus('us-east-1', 'declined-checker')).toBeUndefined();
  });

  it('y executes both change sets and prints the outputs (exit 0)', async () => {
    const t = deployInTerminal('confirmed');

    await t.waitFor(/Execute these change sets\?/, 60);
    t.keys('y');
    await t.waitFor(/cogcf-exit=0/, 60);

    expect(t.screen()).toMatch(/^confirmed-manager +eu-west-1 +create +CREATE_COMPLETE$/m);
    expect(t.screen()).toMatch(/^SessionTableName +cogcf-asked-sessions$/m);
    expect(await stackStatus(REGION, 'confirmed-manager')).toBe('CREATE_COMPLETE');
    expect(await stackStatus('us-east-1', 'confirmed-checker')).toBe('CREATE_COMPLETE');
    expect((await changeSetsOf(REGION, 'confirmed-manager')).map((c) => c.ExecutionStatus)).toEqual(['EXECUTE_COMPLETE']);
  });

  it('Ctrl-C at the question deletes the change sets (exit 130)', async () => {
    const t = deployInTerminal('stopped');

    await t.waitFor(/Execute these change sets\?/, 60);
    t.keys('C-c');
    await t.waitFor(/cogcf-exit=130/, 30);

    expect(await stackStatus(REGION, 'stopped-manager')).toBeUndefined();
    expect(await stackStatus('us-east-1', 'stopped-checker')).toBeUndefined();
  });
});
