import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, runCorpusCase, type CorpusOptions } from './corpus-run.js';

/**
 * The curl corpus: commands as people paste them (provider docs, browsers' "Copy as cURL (bash)"), one
 * file each in test/fixtures/curl/ok and /refuse, with the normalised request (or the exact refusal) in
 * expected.json.
 */
interface Expected {
  ok: Record<string, { options?: CorpusOptions; expect: Record<string, unknown> }>;
  refuse: Record<string, Record<string, unknown>>;
}

const expected = JSON.parse(readFileSync(join(FIXTURES_DIR, 'expected.json'), 'utf8')) as Expected;
const okFiles = readdirSync(join(FIXTURES_DIR, 'ok')).sort();
const refuseFiles = readdirSync(join(FIXTURES_DIR, 'refuse')).sort();

describe('curl corpus: accepted commands', () => {
  it('has an expectation for every fixture and at least 40 commands', () => {
    expect(Object.keys(expected.ok).sort()).toEqual(okFiles);
    expect(okFiles.length).toBeGreaterThanOrEqual(40);
  });

  it.each(okFiles)('%s', async (file) => {
    const entry = expected.ok[file];
    const result = await runCorpusCase(join(FIXTURES_DIR, 'ok', file), entry?.options ?? {});
    expect(result).toEqual(entry?.expect);
  });
});

describe('curl corpus: refused commands', () => {
  it('has an expectation for every fixture', () => {
    expect(Object.keys(expected.refuse).sort()).toEqual(refuseFiles);
  });

  it.each(refuseFiles)('%s', async (file) => {
    const result = await runCorpusCase(join(FIXTURES_DIR, 'refuse', file), {});
    expect(result).toEqual(expected.refuse[file]);
    expect(result['exitCode']).toBe(2);
  });
});
