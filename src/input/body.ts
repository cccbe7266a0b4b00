import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { inputError } from '../failures/errors.js';

/**
 * Request bodies: `@file` reading and JSON parsing with an error that says where the JSON breaks.
 * Bodies are ours to validate (an invalid one would fail every request of the run).
 */

/** Read `@path` (relative to cwd) or return the text as it is. `what` names the input in errors. */
export async function readBodyArgument(value: string, cwd: string, what: string): Promise<string> {
  if (!value.startsWith('@')) return value;
  const path = value.slice(1);
  if (path === '' || path === '-') {
    throw inputError(
      'BODY_FILE_INVALID',
      `${what} "${value}" does not name a file`,
      'write the body inline, or give a file as @path/to/body.json',
    );
  }
  return readInputFile(path, cwd, what);
}

/** Read a file the user named, with a clear error when it is not there. */
export async function readInputFile(path: string, cwd: string, what: string): Promise<string> {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  try {
    return await readFile(full, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? 'error'})`;
    throw inputError('FILE_NOT_FOUND', `${what}: file ${full} ${why}`, 'check the path (relative paths start from the current folder)', {
      path: full,
    });
  }
}

/**
 * How deep a body may nest: an LLM request is a handful of levels (messages → content → parts); far deeper
 * nesting would overflow the stack of every recursive walk of the body (masking, serialising).
 */
const MAX_BODY_DEPTH = 100;

/** Parse a body as a JSON object; errors name the input and the line/column where the JSON breaks. */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  const depth = jsonNestingDepth(text);
  if (depth > MAX_BODY_DEPTH) {
    throw inputError(
      'BODY_INVALID_JSON',
      `${what} nests ${depth} levels deep; at most ${MAX_BODY_DEPTH} are accepted`,
      'give an LLM request body (a few levels: messages, content parts); check that the right file was named',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const at = findJsonErrorOffset(text);
    const { line, column } = lineAndColumn(text, at);
    const near = JSON.stringify(text.slice(Math.max(0, at - 10), at + 10));
    throw inputError(
      'BODY_INVALID_JSON',
      `${what} is not valid JSON: error at line ${line}, column ${column} (position ${at}) near ${near}`,
      'JSON needs double quotes around names and strings and no trailing commas; check the quoting in your shell',
      { position: at, line, column },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw inputError(
      'BODY_NOT_OBJECT',
      `${what} must be a JSON object, got ${kind}`,
      'give the request body as an object, e.g. {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}',
    );
  }
  return value as Record<string, unknown>;
}

/** The deepest nesting of [ and { outside strings, found without recursion. */
function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i += 1;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) depth -= 1;
  }
  return deepest;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

/**
 * Where JSON.parse gave up: V8's messages name no position for many errors, so we re-scan. Returns the
 * offset of the first character that cannot continue a valid document (text.length when it ended early).
 */
export function findJsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new JsonScanError(i);
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i += 1;
  };
  const expectWord = (word: string): void => {
    for (const ch of word) {
      if (text.charAt(i) !== ch) fail();
      i += 1;
    }
  };
  const scanString = (): void => {
    i += 1;
    while (i < text.length) {
      const ch = text.charAt(i);
      if (ch === '"') {
        i += 1;
        return;
      }
      if (ch === '\\') {
        const next = text.charAt(i + 1);
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            fail();
          }
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(next) || next === '') {
          i += 1;
          fail();
        }
        i += 2;
        continue;
      }
      if (ch < ' ') fail();
      i += 1;
    }
    fail();
  };
  const scanNumber = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (match === null || match[0] === '' || match[0] === '-') fail();
    i += (match as RegExpExecArray)[0].length;
  };
  const scanValue = (): void => {
    skipSpace();
    const ch = text.charAt(i);
    if (ch === '{') {
      i += 1;
      skipSpace();
      if (text.charAt(i) === '}') {
        i += 1;
        return;
      }
      for (;;) {
        skipSpace();
        if (text.charAt(i) !== '"') fail();
        scanString();
        skipSpace();
        if (text.charAt(i) !== ':') fail();
        i += 1;
        scanValue();
        skipSpace();
        if (text.charAt(i) === ',') {
          i += 1;
          continue;
        }
        if (text.charAt(i) === '}') {
          i += 1;
          return;
        }
        fail();
      }
    }
    if (ch === '[') {
      i += 1;
      skipSpace();
      if (text.charAt(i) === ']') {
        i += 1;
        return;
      }
      for (;;) {
        scanValue();
        skipSpace();
        if (text.charAt(i) === ',') {
          i += 1;
          continue;
        }
        if (text.charAt(i) === ']') {
          i += 1;
          return;
        }
        fail();
      }
    }
    if (ch === '"') return scanString();
    if (ch === 't') return expectWord('true');
    if (ch === 'f') return expectWord('false');
    if (ch === 'n') return expectWord('null');
    if (ch === '-' || (ch >= '0' && ch <= '9')) return scanNumber();
    fail();
  };
  try {
    scanValue();
    skipSpace();
    if (i < text.length) fail();
  } catch (error) {
    if (error instanceof JsonScanError) return Math.min(error.offset, text.length);
    throw error;
  }
  return text.length;
}

class JsonScanError extends Error {
  constructor(readonly offset: number) {
    super('json scan error');
  }
}
