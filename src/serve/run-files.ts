import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { sendError } from './http-io.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.prom': 'text/plain; version=0.0.4; charset=utf-8',
};

/**
 * The run folder's files (regular files only; temporary names of files being written are left out), with a
 * several-targets run's per-target files as `targets/<name>/<file>`. Links are not followed.
 */
export async function listRunFiles(outDir: string): Promise<Array<{ name: string; bytes: number }>> {
  const files = await listFolder(outDir, '');
  const targets = await readdir(join(outDir, TARGETS_DIR), { withFileTypes: true }).catch(() => []);
  for (const entry of targets) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) files.push(...(await listFolder(join(outDir, TARGETS_DIR, entry.name), `${TARGETS_DIR}/${entry.name}/`)));
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

const TARGETS_DIR = 'targets';

async function listFolder(dir: string, prefix: string): Promise<Array<{ name: string; bytes: number }>> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: Array<{ name: string; bytes: number }> = [];
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.') || entry.name.includes('.tmp')) continue;
    const info = await stat(join(dir, entry.name)).catch(() => null);
    if (info !== null) files.push({ name: `${prefix}${entry.name}`, bytes: info.size });
  }
  return files;
}

/**
 * One file of the run folder. Only a name the folder's listing holds is served: no path, no `..`, no
 * link (the listing keeps regular files only), so nothing outside the folder can be reached.
 */
export async function sendRunFile(res: ServerResponse, outDir: string, requested: string): Promise<void> {
  let name: string;
  try {
    name = decodeURIComponent(requested);
  } catch {
    name = '';
  }
  const file = (await listRunFiles(outDir)).find((candidate) => candidate.name === name);
  if (file === undefined) {
    sendError(res, 404, { code: 'FILE_NOT_FOUND', message: `the run has no file "${name.slice(0, 100)}"`, hint: 'GET /runs/<id>/files lists them' });
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file.name)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  createReadStream(join(outDir, file.name)).on('error', () => res.destroy()).pipe(res);
}
