#!/usr/bin/env node
// The `wharf` command line: oclif loads the commands from ../dist/commands.
import { execute, settings } from '@oclif/core';
import { normalizeArgv } from '../dist/lib/argv.js';

// Always the compiled dist/, whatever NODE_ENV says: with NODE_ENV=test or development oclif
// would otherwise look for TypeScript to run src/ with, and warn when (installed) there is none.
settings.enableAutoTranspile = false;
await execute({ dir: import.meta.url, args: normalizeArgv(process.argv.slice(2)) });
