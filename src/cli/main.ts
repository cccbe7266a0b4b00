#!/usr/bin/env node
import { createProcessIo } from './io.js';
import { runCli } from './run-cli.js';

/** The bin entry and the only process.exit of the project. */
const code = await runCli(process.argv.slice(2), createProcessIo());
// Let stdout drain before exiting: a piped --json result must arrive whole.
process.stdout.write('', () => process.exit(code));
