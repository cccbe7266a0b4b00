import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a user gets from `npm pack`: a tarball that installs with production dependencies only (no
 * TypeScript, no build on install) and runs. It is packed from this checkout (dist/ is built by `npm test`
 * before vitest; packing skips `prepare` so this test never rebuilds dist/ under the feet of the others),
 * installed into an empty folder from the npm registry, and run through the installed bin: --help, and a
 * short load against the bundled mock (`demo`, which also needs the packaged prompt set).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 240_000;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };

const work = mkdtempSync(join(tmpdir(), 'pack-install-'));
let tarball = '';
let packed: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, timeout: 60_000 });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, info?.filename ?? '');
  packed = (info?.files ?? []).map((file) => file.path);
  const app = join(work, 'app');
  try {
    await run(npm, ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefix', app, tarball], { cwd: work, timeout: INSTALL_TIMEOUT_MS });
  } catch (error) {
    const { stderr, killed } = error as { stderr?: string; killed?: boolean };
    throw new Error(
      killed === true
        ? `npm install of the packed tarball did not finish within ${INSTALL_TIMEOUT_MS / 1000} s (is the npm registry reachable?)`
        : `npm install of the packed tarball failed: ${stderr ?? String(error)}`,
    );
  }
}, INSTALL_TIMEOUT_MS + 90_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const bin = (): string => join(work, 'app', 'node_modules', '.bin', Object.keys(pkg.bin)[0] ?? 'llm-loadtest');

describe('npm pack → npm install --omit=dev → the installed bin', () => {
  it('the tarball holds the built CLI, the prompts and the skill, not the sources or tests', () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'SKILL.md', 'scripts/run.mjs', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts']));
    expect(packed.some((path) => path.startsWith('data/prompts/'))).toBe(true);
    expect(packed.filter((path) => /^(src|test|bench)\//.test(path) || path.endsWith('.tsbuildinfo'))).toEqual([]);
  });

  it('the packed manifest has no install-time script (a user installing it builds nothing, and npm has nothing to warn about)', async () => {
    const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'], { timeout: 30_000 });
    const scripts = (JSON.parse(stdout) as { scripts?: Record<string, string> }).scripts ?? {};
    expect(Object.keys(scripts).filter((name) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(name))).toEqual([]);
  });

  it('installed without devDependencies: no TypeScript, the runtime dependencies only', () => {
    const modules = join(work, 'app', 'node_modules');
    expect(existsSync(join(modules, pkg.name, 'dist/cli/main.js'))).toBe(true);
    expect(existsSync(join(modules, 'typescript'))).toBe(false);
    expect(existsSync(join(modules, 'vitest'))).toBe(false);
    expect(existsSync(join(modules, 'commander'))).toBe(true);
  });

  it('--help and --version through the installed bin', async () => {
    const help = await run(bin(), ['--help'], { cwd: work, timeout: 30_000 });
    expect(help.stdout).toContain('Usage: llm-loadtest');
    const version = await run(bin(), ['--version'], { cwd: work, timeout: 30_000 });
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('a short load against the bundled mock, with the packaged prompts', async () => {
    const { stdout } = await run(bin(), ['demo', '--duration', '2', '--users', '2', '--no-progress', '--json', '--out', join(work, 'demo-run')], {
      cwd: work,
      timeout: 60_000,
      env: { ...process.env, LMETERX_BASE_URL: '' },
    });
    const summary = JSON.parse(stdout) as { ok: boolean; requests: { ok: number; failed: number }; config: { testData: string } };
    expect(summary.ok).toBe(true);
    expect(summary.requests.ok).toBeGreaterThan(0);
    expect(summary.requests.failed).toBe(0);
    expect(summary.config.testData).toBe('default');
    expect(existsSync(join(work, 'demo-run', 'report.html'))).toBe(true);
  }, 90_000);

  it("the skill's launcher runs from the installed package without installing or building anything", async () => {
    const launcher = join(work, 'app', 'node_modules', pkg.name, 'scripts', 'run.mjs');
    const { stdout, stderr } = await run(process.execPath, [launcher, '--version'], { cwd: work, timeout: 30_000 });
    expect(stdout.trim()).toBe(pkg.version);
    expect(stderr).not.toContain('first run');
  });
});
