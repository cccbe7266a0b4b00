#!/usr/bin/env node
// The skill's launcher (cli.md "Entry points"). It holds no logic: from a clone, on first use it installs
// the dependencies and builds, saying so on stderr (stdout stays clean for --json), then hands argv to the
// CLI. Works from any working directory: everything is resolved from this file's own location. Inside an
// installed package (node_modules/llm-loadtest) dist/ is shipped and the dependencies sit beside it, so
// nothing is installed or built there.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'main.js');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function npmStep(args, what) {
  process.stderr.write(`llm-loadtest: first run: ${what} (npm ${args.join(' ')}) in ${root}\n`);
  const result = spawnSync(npm, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) {
    process.stderr.write(
      `llm-loadtest: 'npm ${args.join(' ')}' failed (exit ${result.status ?? result.signal}); ` +
        `run it yourself in ${root} and retry\n`,
    );
    process.exit(1);
  }
}

/** The runtime dependencies resolve from here: our own node_modules, or the one an install put us in. */
function dependenciesResolve() {
  try {
    createRequire(join(root, 'package.json')).resolve('commander');
    return true;
  } catch {
    return false;
  }
}

if (!dependenciesResolve()) {
  const install = existsSync(join(root, 'package-lock.json')) ? ['ci'] : ['install'];
  npmStep([...install, '--no-audit', '--no-fund'], 'installing dependencies');
}
if (!existsSync(entry)) npmStep(['run', 'build', '--silent'], 'building');

// dist/cli/main.js reads process.argv.slice(2), which is exactly our own arguments.
await import(pathToFileURL(entry).href);
