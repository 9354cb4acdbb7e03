// `cogcf init`, which `npx create-cogcf-barrier` runs: the setup wizard comes
// in a later version. Until then it says so and points to what works today,
// and exits 2 (nothing was attempted) so a script never mistakes it for a setup.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';

/** Adds `init` to `program`, unlisted until the wizard exists; the caller attaches the action. */
export function initCommand(program: Command): Command {
  return (
    program
      .command('init', { hidden: true })
      .description('Set up a barrier in your AWS account (the setup wizard is not in this version yet).')
      // Whatever flags a newer guide passes, the user should read the notice below.
      .allowUnknownOption()
      .allowExcessArguments()
  );
}

export function runInit(): never {
  throw new UsageError('The setup wizard (create-cogcf-barrier, cogcf init) is not in this version of cogcf yet.', {
    code: 'ERR_NOT_AVAILABLE',
    hint:
      'Build the two functions with `npx -p create-cogcf-barrier cogcf bundle --config <file> --out <dir>` ' +
      'and deploy them with your own infrastructure code; `cogcf --help` lists the commands.',
  });
}
