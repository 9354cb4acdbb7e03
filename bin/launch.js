// Shared by both bins. Written for any Node.js version, so that an old one
// gets this message instead of a syntax error from dist/cli.js.
const [major, minor] = process.versions.node.split('.').map(Number);

export function launch(argv) {
  if (major < 20 || (major === 20 && minor < 19)) {
    process.stderr.write('error: cogcf needs Node.js 20.19 or newer; this is ' + process.version + '.\n');
    process.stderr.write('hint: install a current LTS release from https://nodejs.org and run the command again.\n');
    process.exitCode = 1;
    return;
  }
  import('../dist/cli.js').then(
    (cli) => cli.main(argv),
    (e) => {
      // Only in a source checkout: the published package ships dist/.
      process.stderr.write('error: cannot load the cogcf CLI (' + e.message + ')\n');
      process.stderr.write('hint: in a source checkout, run `npm run build` first.\n');
      process.exitCode = 1;
    },
  );
}
