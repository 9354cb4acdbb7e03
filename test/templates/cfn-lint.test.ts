// The Python cfn-lint (current CloudFormation schemas) must find no errors in
// any template. It is part of the test suite: a machine without it fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templatePath } from '../../src/templates/load-template.js';

interface LintMatch {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string };
  readonly Message: string;
}

/** Warnings looked at and accepted, per template (none so far). */
const ACKNOWLEDGED_WARNINGS: Record<string, string[]> = { manager: [], checker: [] };

function cfnLint(file: string): LintMatch[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8' });
  if (run.error) {
    throw new Error(`cfn-lint is not installed (${run.error.message}); install it with \`pipx install cfn-lint\` or \`pip install cfn-lint\``);
  }
  return JSON.parse(run.stdout || '[]') as LintMatch[];
}

describe('cfn-lint', () => {
  it('is installed', () => {
    expect(execFileSync('cfn-lint', ['--version'], { encoding: 'utf8' })).toMatch(/^cfn-lint \d+\./);
  });

  for (const stack of ['manager', 'checker'] as const) {
    it(`finds no errors and only acknowledged warnings in the ${stack} stack`, () => {
      const matches = cfnLint(templatePath(stack));
      expect(matches.filter((m) => m.Level === 'Error')).toEqual([]);
      expect(matches.filter((m) => m.Level === 'Warning').map((m) => m.Rule.Id)).toEqual(ACKNOWLEDGED_WARNINGS[stack]);
    });
  }

  it('reports errors it is given (the check can fail)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cogcf-lint-')), 'bad.yaml');
    writeFileSync(
      file,
      'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/x\n      Code: { ZipFile: "x" }\n      TypoProp: 1\n',
    );
    const errors = cfnLint(file).filter((m) => m.Level === 'Error').map((m) => m.Rule.Id);
    expect(errors).toContain('E3002'); // TypoProp
    expect(errors.length).toBeGreaterThanOrEqual(2); // and the deprecated runtime
  });
});
