import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPlatformClient } from '../../src/platform/client.js';
import { startRawServer, type HostileServer } from '../helpers/hostile-servers.js';

/**
 * The platform client holds the LMeterX token and, in a task, the target's keys: a redirect may move it within
 * LMETERX_BASE_URL's origin, never to another one. Two real loopback servers (two ports: two origins).
 */
let platform: HostileServer;
let elsewhere: HostileServer;
beforeAll(async () => {
  elsewhere = await startRawServer((_request, _body, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-lmeterx-backend': '1' });
    response.end('{"status":"ok"}');
  });
  platform = await startRawServer((request, _body, response) => {
    if (request.url === '/health') {
      response.writeHead(302, { location: '/healthz' });
      response.end();
      return;
    }
    if (request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json', 'x-lmeterx-backend': '1' });
      response.end('{"status":"ok"}');
      return;
    }
    response.writeHead(307, { location: `${elsewhere.url}${request.url ?? '/'}` });
    response.end();
  });
});
afterAll(async () => {
  await Promise.all([platform.close(), elsewhere.close()]);
});

describe('platform redirects', () => {
  test('within the origin: followed', async () => {
    const client = createPlatformClient({ baseUrl: platform.url, token: 'lmx-token-0123456789abcdef', retryDelayMs: 1 });
    await expect(client.checkHealth()).resolves.toEqual({ backendConfirmed: true });
  });

  test('to another origin: refused (exit 4), and the other origin never sees the token or the task', async () => {
    const token = 'lmx-token-0123456789abcdef';
    const client = createPlatformClient({ baseUrl: platform.url, token, retryDelayMs: 1, secrets: ['sk-target-key-0123456789'] });
    const task = { name: 't', target_host: 'https://api.x', api_path: '/v1/chat/completions', headers: [{ key: 'Authorization', value: 'Bearer sk-target-key-0123456789' }] };
    for (const call of [() => client.createTask(task as never), () => client.readStatus('abc')]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e as { code?: string; exitCode?: number; message?: string },
      );
      expect(error).toMatchObject({ code: 'PLATFORM_REDIRECT', exitCode: 4 });
      expect(error?.message).toContain('redirected');
      expect(error?.message).toContain(elsewhere.url.replace('http://', ''));
      expect(error?.message).not.toContain(token);
    }
    expect(elsewhere.hits()).toBe(0);
  });
});
