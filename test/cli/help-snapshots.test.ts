// The help texts are part of the interface people script against: changes
// show up as a diff of snapshots/help/*.txt to review like code.
import { describe, expect, it } from 'vitest';
import { ROOT, runBin } from './run-bin.js';

describe('help texts (golden)', () => {
  it.each([
    ['cogcf', ['--help']],
    ['cogcf-bundle', ['bundle', '--help']],
    ['cogcf-dev', ['dev', '--help']],
    ['cogcf-deploy', ['deploy', '--help']],
  ] as const)('%s', async (name, args) => {
    const r = runBin('cogcf', args);
    expect(r.status, r.transcript).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(`${ROOT}snapshots/help/${name}.txt`);
  });
});
