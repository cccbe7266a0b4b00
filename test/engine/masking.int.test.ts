import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { startHttpServer, type TestServer } from '../helpers/servers.js';

const KEY = 'sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A server that echoes the caller's key in its error message, placed so that the 200-character cut of
 * the message falls inside the key: masking must happen before the cut, or a fragment escapes.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer((_request, response) => {
    // 160 + 30 characters of text: the key starts at 190 and the cut at 200 falls inside it.
    const message = `${'x'.repeat(160)} Incorrect API key provided: ${KEY}. See your account.`;
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: 'invalid_api_key' } }));
  });
});
afterAll(async () => {
  await server.close();
});

describe('secrets in server error text', () => {
  test('a key the server echoes appears in no output and no file, not even a fragment of it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mask-')), 'run');
    const io = createFakeIo();
    const code = await runCli(
      ['run', '--local', '--url', `${server.url}/v1/chat/completions`, '--model', 'm', '-H', `Authorization: Bearer ${KEY}`,
        '--skip-precheck', '--concurrent-users', '1', '--duration', '10', '--max-requests', '3', '--out', out, '--no-progress', '--json'],
      io,
    );
    expect(code).toBe(5);
    const texts = [io.out(), io.err(), ...readdirSync(out).map((file) => readFileSync(join(out, file), 'utf8'))];
    // A masked key keeps only its first 3 characters: `sk-proj` in any text is a leak.
    for (const text of texts) expect(text).not.toContain(KEY.slice(0, 7));
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toContain('"errorCategory":"auth"');
  }, 30_000);
});
