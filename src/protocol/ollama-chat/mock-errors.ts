/** Ollama's error answers as the mock writes them: `{"error":"..."}` bodies and lines, as the real server. */
import type { ErrorReply, StatusErrorOptions } from '../mock-types.js';

export function ollamaErrorBody(message: string): string {
  return JSON.stringify({ error: message });
}

function ollamaErrorText(status: number, model: string): string {
  switch (status) {
    case 400:
      return 'invalid request';
    case 401:
      return 'unauthorized';
    case 404:
      return `model "${model}" not found, try pulling it first`;
    case 503:
      return 'server busy, please try again.  maximum pending requests exceeded';
    default:
      return status >= 500 ? 'an error was encountered while running the model: unexpected EOF' : `request failed (status ${status})`;
  }
}

/** Ollama has no quota: a 429 is a plain rate limit (from a proxy in front of it). */
export function ollamaStatusError(status: number, options: StatusErrorOptions): ErrorReply {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (status === 429 || status === 503) headers['retry-after'] = String(options.retryAfterS);
  return { status, headers, body: ollamaErrorBody(ollamaErrorText(status, options.model)) };
}

/** The error line inside a 200 stream. */
export function ollamaStreamErrorLine(): string {
  return `${ollamaErrorBody('an error was encountered while running the model: unexpected EOF')}\n`;
}
