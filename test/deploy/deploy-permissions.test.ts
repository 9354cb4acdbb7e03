// The README lists the IAM actions `cogcf deploy` calls itself. Every AWS
// command the deploy code sends must be there, under its IAM action name, so
// the list cannot fall behind the code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-bin.js';

// SDK command → IAM action, where the two names differ.
const IAM_ACTION: Record<string, string> = {
  HeadBucket: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  PutBucketEncryption: 's3:PutEncryptionConfiguration',
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 's3:PutBucketPublicAccessBlock',
  GetBucketLifecycleConfiguration: 's3:GetLifecycleConfiguration',
  PutBucketLifecycleConfiguration: 's3:PutLifecycleConfiguration',
};
// Client package → IAM service prefix.
const PREFIX: Record<string, string> = {
  'client-s3': 's3',
  'client-cloudformation': 'cloudformation',
  'client-sts': 'sts',
  'client-cognito-identity-provider': 'cognito-idp',
};

/** `cloudformation:CreateChangeSet` for every `new CreateChangeSetCommand(` in the deploy code. */
function actionsSent(): string[] {
  const dirs = ['src/deploy', 'src/aws'];
  const actions = new Set<string>();
  for (const dir of dirs) {
    for (const file of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(ROOT, dir, file), 'utf8');
      const commands = [...text.matchAll(/new (\w+)Command\(/g)].map((m) => m[1] as string);
      if (commands.length === 0) continue;
      const packages = [...text.matchAll(/from '@aws-sdk\/(client-[\w-]+)'/g)].map((m) => m[1] as string);
      for (const command of commands) {
        // The package that exports this command, by its import line.
        const owner = packages.find((pkg) => new RegExp(`\\b${command}Command\\b[^;]*from '@aws-sdk/${pkg}'`, 's').test(text));
        if (owner === undefined) throw new Error(`${dir}/${file}: cannot tell which client sends ${command}`);
        actions.add(IAM_ACTION[command] ?? `${PREFIX[owner]}:${command}`);
      }
    }
  }
  return [...actions].sort();
}

describe('the permissions the README lists for cogcf deploy', () => {
  it('name every action the deploy code sends', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Permissions `cogcf deploy` needs'), readme.indexOf('## Security'));
    const sent = actionsSent();
    expect(sent.length).toBeGreaterThan(15);
    expect(sent.filter((action) => !section.includes(`\`${action}\``))).toEqual([]);
  });
});
