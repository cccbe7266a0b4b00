import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isAppError } from '../../src/failures/errors.js';
import { parseCurl } from '../../src/input/curl.js';
import { normalizeTarget } from '../../src/input/normalize.js';
import { CORPUS_ENV } from './corpus-env.js';

export const FIXTURES_DIR = join(import.meta.dirname, '../fixtures/curl');

/** Flags a corpus case may add to its command (the same meaning as run's). */
export interface CorpusOptions {
  model?: string;
  stream?: boolean;
}

/**
 * One corpus command through parse, classification and normalisation: the request that would be sent,
 * or the refusal (code, message, hint). Notes are left out: their wording belongs to the adapters.
 */
export async function runCorpusCase(file: string, options: CorpusOptions): Promise<Record<string, unknown>> {
  const command = readFileSync(file, 'utf8');
  try {
    const spec = await parseCurl(command, { env: CORPUS_ENV, cwd: dirname(dirname(file)) });
    const t = normalizeTarget(spec, { api: undefined, model: options.model, stream: options.stream, timeoutS: undefined, idleTimeoutS: 60 });
    return {
      apiType: t.apiType,
      classifiedBy: t.classifiedBy,
      url: t.url,
      targetHost: t.targetHost,
      apiPath: t.apiPath,
      method: t.method,
      headers: t.headers,
      cookies: t.cookies,
      model: t.model,
      stream: t.stream,
      body: t.body,
      insecure: t.insecure,
      timeoutMs: t.timeoutMs,
      connectTimeoutMs: t.connectTimeoutMs,
      warnings: t.warnings,
    };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return {
      code: error.code,
      category: error.category,
      exitCode: error.exitCode,
      message: error.message.replaceAll(FIXTURES_DIR, '<fixtures>'),
      hint: error.hint,
    };
  }
}
