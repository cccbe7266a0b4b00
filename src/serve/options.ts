import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { AppError, inputError } from '../failures/errors.js';
import { LOOPBACK_PATTERNS, parseTargetPattern } from './allow-target.js';
import type { ServiceOptions } from './service.js';

/** The environment variable that holds the service's bearer token. */
export const SERVE_TOKEN_ENV = 'LLM_LOADTEST_SERVE_TOKEN';
/** Shorter tokens are guessable; the hint says how to make a good one. */
export const MIN_TOKEN_CHARS = 16;
export const DEFAULT_SERVE_PORT = 8780;
export const MAX_RUNS_LIMIT = 64;

/** `serve`'s flags as commander hands them over. */
export interface RawServeOptions {
  host: string;
  port: string;
  allowRemote?: boolean;
  allowTarget?: string[];
  maxRuns: string;
  runsDir: string;
}

/** Validated ServiceOptions plus what the CLI must warn about. Throws input errors (exit 2). */
export function parseServeOptions(raw: RawServeOptions, token: string | undefined, cwd: string): { options: ServiceOptions; remote: boolean } {
  const secret = (token ?? '').trim();
  if (secret.length < MIN_TOKEN_CHARS) {
    throw new AppError('SERVE_TOKEN_MISSING', secret === '' ? `${SERVE_TOKEN_ENV} is not set: the service needs a bearer token` : `${SERVE_TOKEN_ENV} is shorter than ${MIN_TOKEN_CHARS} characters`, {
      category: 'input',
      hint: `set it to a long random value, e.g. export ${SERVE_TOKEN_ENV}=$(openssl rand -hex 32), and send it as Authorization: Bearer <token>`,
    });
  }
  const host = raw.host.trim();
  const remote = !isLoopback(host);
  if (remote && raw.allowRemote !== true) {
    throw new AppError('SERVE_BIND_REFUSED', `--host ${host} is not a loopback address: anyone who can reach it and has the token can start loads`, {
      category: 'input',
      hint: 'add --allow-remote to listen there on purpose (put TLS in front of it), or keep the default --host 127.0.0.1',
    });
  }
  const port = wholeNumber(raw.port, '--port', 0, 65535);
  const maxRuns = wholeNumber(raw.maxRuns, '--max-runs', 1, MAX_RUNS_LIMIT);
  const patterns = raw.allowTarget === undefined || raw.allowTarget.length === 0 ? LOOPBACK_PATTERNS : raw.allowTarget;
  return {
    options: { host, port, token: secret, allowTargets: patterns.map(parseTargetPattern), maxRuns, runsDir: resolve(cwd, raw.runsDir) },
    remote,
  };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw inputError('OPTION_INVALID', `${flag} "${text}" is invalid: expected a whole number from ${min} to ${max}`, 'fix the value; `llm-loadtest serve --help` lists the options');
  }
  return value;
}
