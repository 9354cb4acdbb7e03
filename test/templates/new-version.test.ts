// A changed config changes the checker bundle's hash, and with it the stack
// parameter that names the Lambda version: CloudFormation publishes a new
// numbered version for CloudFront to use (the old one is retained).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBarrier } from '../../src/bundle/build-barrier.js';
import { loadBarrierConfig, parseBarrierConfig } from '../../src/config/barrier-config.js';
import { artifactKey } from '../../src/deploy/upload-artifacts.js';
import { loadTemplate, renderStack } from '../../src/templates/load-template.js';
import { checkerStackParameters } from '../../src/templates/stack-parameters.js';
import { ROOT } from '../cli/run-bin.js';

describe('a new checker version for a new checker bundle', () => {
  const out = mkdtempSync(join(tmpdir(), 'cogcf-version-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const checkerParameters = async (config: Awaited<ReturnType<typeof loadBarrierConfig>>, dir: string) => {
    const built = await buildBarrier(config, join(out, dir), () => {});
    const checker = built.find((f) => f.name === 'checker')!;
    const artifact = { bucket: 'cogcf-artifacts-123456789012-us-east-1', key: artifactKey('checker', checker.sha256), sha256: checker.sha256 };
    return renderStack(await loadTemplate('checker'), checkerStackParameters({ sessionTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/cogcf-sessions', checker: artifact })).parameters;
  };
  const hashOf = (parameters: readonly { ParameterKey?: string; ParameterValue?: string }[]) =>
    parameters.find((p) => p.ParameterKey === 'CheckerCodeHash')?.ParameterValue;

  it('same config: the same CheckerCodeHash; a changed checker config: a new one (the version description is built from it)', async () => {
    const example = await loadBarrierConfig(join(ROOT, 'templates', 'barrier.example.json'));
    const raw = JSON.parse(readFileSync(join(ROOT, 'templates', 'barrier.example.json'), 'utf8')) as { checker: Record<string, unknown> };
    const changed = parseBarrierConfig({ ...raw, checker: { ...raw.checker, cacheTtlSeconds: 10 } }, 'changed');

    const first = await checkerParameters(example, 'a');
    const again = await checkerParameters(example, 'b');
    const other = await checkerParameters(changed, 'c');
    expect(hashOf(again)).toBe(hashOf(first));
    expect(hashOf(other)).not.toBe(hashOf(first));
    expect(hashOf(other)).toMatch(/^[0-9a-f]{64}$/);
  });
});
