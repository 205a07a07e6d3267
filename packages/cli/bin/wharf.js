#!/usr/bin/env node
// The `wharf` command line: oclif loads the commands from ../dist/commands.
import { execute } from '@oclif/core';
import { normalizeArgv } from '../dist/lib/argv.js';

await execute({ dir: import.meta.url, args: normalizeArgv(process.argv.slice(2)) });
