/**
 * One request, measured: TTFT, tokens and E2E of a single call (docs/library.md "Endpoint").
 * Run: `node --experimental-strip-types examples/library/invoke.ts` (or tsx). In your own project, import
 * from 'llm-loadtest' instead of the source path.
 */
import { pathToFileURL } from 'node:url';
import { createEndpoint, startMockServer, type RequestRecord } from '../../src/index.js';

export async function main(): Promise<RequestRecord> {
  // The bundled mock: 50 ms to the first token, 20 tokens 5 ms apart.
  const mock = await startMockServer({ ttftMs: 50, itlMs: 5, outputTokens: 20 });
  try {
    const endpoint = await createEndpoint({ url: `${mock.url}/v1/chat/completions`, model: 'mock-model' });
    const record = await endpoint.invoke({ prompt: 'Say hello.', maxTokens: 10 });
    console.log(`ok=${record.ok} TTFT ${record.ttftMs} ms, E2E ${record.e2eMs} ms, ${record.outputTokens} output tokens`);
    return record;
  } finally {
    await mock.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
