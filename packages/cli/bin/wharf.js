#!/usr/bin/env node
// The `wharf` command line. `wharf get` and `wharf describe` run without oclif (../dist/fast.js);
// everything else, and any line that path does not take (help, a flag it does not know), goes to
// oclif, which loads the commands from ../dist/commands.
import { normalizeArgv } from '../dist/lib/argv.js';
import { runFast } from '../dist/fast.js';

// A reader that stops early (`wharf get pods -o yaml | head`) closes the pipe: stop quietly, as
// kubectl does, rather than with Node's stack trace of an unhandled EPIPE.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const args = normalizeArgv(process.argv.slice(2));
if (!(await runFast(args))) {
  const { execute, settings } = await import('@oclif/core');
  // Always the compiled dist/, whatever NODE_ENV says: with NODE_ENV=test or development oclif
  // would otherwise look for TypeScript to run src/ with, and warn when (installed) there is none.
  settings.enableAutoTranspile = false;
  await execute({ dir: import.meta.url, args });
}
