import { parse as parseShell, type ParseEntry } from 'shell-quote';
import parseArgs from 'yargs-parser';
import { inputError } from '../failures/errors.js';
import { LOCAL_LIMITS } from '../model/local-limits.js';
import { readBodyArgument } from './body.js';
import { addHeaderLine, parseCookieString, toBasicAuthorization } from './headers.js';
import { isSecretName, maskSecret, maskUrl } from '../text/mask.js';
import type { NameValue, RequestSpec } from '../model/plan.js';

/**
 * `--curl '<command>'`: the curl commands people paste (provider docs, browsers' "Copy as cURL (bash)")
 * become a RequestSpec. shell-quote does the shell's quoting ($'...', "$VAR"), yargs-parser the option
 * collection; curl's own rules (short-option groups, which options take a value) are applied in between.
 */

export interface ParseCurlOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Base of relative `@file` paths. */
  cwd: string;
}

/** curl options we act on, by canonical long name, with their short letter. */
const VALUE_OPTIONS: Readonly<Record<string, string | null>> = {
  request: 'X',
  header: 'H',
  data: 'd',
  'data-raw': null,
  'data-binary': null,
  'data-ascii': null,
  json: null,
  user: 'u',
  cookie: 'b',
  url: null,
  'user-agent': 'A',
  referer: 'e',
  'max-time': 'm',
  'connect-timeout': null,
  'oauth2-bearer': null,
};

/** Boolean options we act on or that do not change what is sent (output, verbosity, transport details). */
const FLAG_OPTIONS: Readonly<Record<string, string | null>> = {
  insecure: 'k',
  silent: 's',
  'show-error': 'S',
  'no-buffer': 'N',
  location: 'L',
  verbose: 'v',
  include: 'i',
  compressed: null,
  'http1.1': null,
  http2: null,
  'http2-prior-knowledge': null,
  fail: 'f',
  'fail-with-body': null,
  globoff: 'g',
  'no-progress-meter': null,
};

/**
 * Other curl options that take a value: known so the value is not mistaken for the URL; ignored, with a
 * warning. Anything not listed anywhere is treated as a flag without a value, also with a warning.
 */
const IGNORED_VALUE_OPTIONS: Readonly<Record<string, string | null>> = {
  output: 'o',
  'write-out': 'w',
  form: 'F',
  'form-string': null,
  proxy: 'x',
  'proxy-user': 'U',
  'proxy-header': null,
  noproxy: null,
  retry: null,
  'retry-delay': null,
  'retry-max-time': null,
  'max-redirs': null,
  cacert: null,
  capath: null,
  cert: 'E',
  'cert-type': null,
  key: null,
  'key-type': null,
  resolve: null,
  'connect-to': null,
  'limit-rate': null,
  interface: null,
  'unix-socket': null,
  'abstract-unix-socket': null,
  'aws-sigv4': null,
  'cookie-jar': 'c',
  'dump-header': 'D',
  'upload-file': 'T',
  range: 'r',
  config: 'K',
  trace: null,
  'trace-ascii': null,
  stderr: null,
  'continue-at': 'C',
  'expect100-timeout': null,
  'keepalive-time': null,
  'dns-servers': null,
  'local-port': null,
  'data-urlencode': null,
  'time-cond': 'z',
  'speed-limit': 'Y',
  'speed-time': 'y',
  'max-filesize': null,
  ciphers: null,
  'tls-max': null,
  pinnedpubkey: null,
  variable: null,
  'happy-eyeballs-timeout-ms': null,
};

const SHORT_TO_LONG = new Map<string, string>();
for (const table of [VALUE_OPTIONS, FLAG_OPTIONS, IGNORED_VALUE_OPTIONS]) {
  for (const [long, short] of Object.entries(table)) if (short !== null) SHORT_TO_LONG.set(short, long);
}

const BODY_OPTIONS = new Set(['data', 'data-raw', 'data-binary', 'data-ascii', 'json']);
const BODY_PART = 'body-part';

const takesValue = (long: string): boolean => long in VALUE_OPTIONS || long in IGNORED_VALUE_OPTIONS;

const SHELL_OPERATOR_HINT =
  'paste the curl command alone: no pipes, redirections or other commands (|, ;, >, &&); put an API key in an environment variable, not a subshell';

/** Parse a curl command line into a RequestSpec. Reads `@file` bodies relative to `cwd`. */
export async function parseCurl(command: string, options: ParseCurlOptions): Promise<RequestSpec> {
  const args = tokenizeCurl(command, options.env);
  const parsed = collectCurlOptions(args);
  return buildSpec(parsed, options.cwd);
}

/** Shell words of the command, without the leading `curl`, with variables expanded from env. */
export function tokenizeCurl(command: string, env: ParseCurlOptions['env']): string[] {
  let text = command.replace(/\r\n?/g, '\n').trim().replace(/^\$\s+/, '');
  if (text === '') {
    throw inputError('CURL_EMPTY', 'the curl command is empty', "pass the command as --curl 'curl https://... -H ... -d ...' or pipe it with --curl -");
  }
  if (/^\S+\s+\^"/.test(text) || /\s\^\n/.test(text)) {
    throw inputError(
      'CURL_UNSUPPORTED_SHELL',
      'the curl command is in Windows cmd syntax (^" quoting), which is not supported',
      'copy it with "Copy as cURL (bash)" instead of "(cmd)", or write it with single quotes',
    );
  }
  if (/`\n/.test(text)) {
    throw inputError(
      'CURL_UNSUPPORTED_SHELL',
      'the curl command is in PowerShell syntax (` line continuations), which is not supported',
      'copy it with "Copy as cURL (bash)", or put it on one line with single quotes',
    );
  }
  const scan = scanShellText(text);
  text = scan.text;
  if (scan.substitution !== null) {
    throw inputError(
      'CURL_SHELL_OPERATOR',
      `the curl command contains the command substitution "${scan.substitution}", which is not run`,
      'put the value in an environment variable ($OPENAI_API_KEY) or write it out; the command is parsed, never executed',
    );
  }
  if (scan.unclosedQuote) {
    throw inputError('CURL_UNPARSEABLE', 'the curl command has an unclosed quote', 'check the quotes: every \' and " must be closed');
  }
  const missing: string[] = [];
  const lookup = (name: string): string => {
    if (name === '') return '$';
    const fallbackAt = name.indexOf(':-');
    const key = fallbackAt >= 0 ? name.slice(0, fallbackAt) : name;
    const value = env[key];
    if (value !== undefined && value !== '') return value;
    if (fallbackAt >= 0) return name.slice(fallbackAt + 2);
    if (!missing.includes(key)) missing.push(key);
    return '';
  };
  let entries: ParseEntry[];
  try {
    entries = parseShell(text, lookup);
  } catch (error) {
    throw inputError(
      'CURL_UNPARSEABLE',
      `the curl command cannot be parsed: ${error instanceof Error ? error.message : String(error)}`,
      'check the quotes: every \' and " must be closed',
    );
  }
  const words: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      words.push(entry);
      continue;
    }
    if ('comment' in entry) break;
    // An unquoted `?` or `*` (a URL's query) is a glob to shell-quote; to curl it is just text.
    if (entry.op === 'glob') {
      words.push(entry.pattern);
      continue;
    }
    throw inputError(
      'CURL_SHELL_OPERATOR',
      `the curl command contains the shell operator "${entry.op}": only one plain curl command can be load tested`,
      entry.op === '&' ? "an unquoted & ends the command in a shell: put the URL in quotes ('https://...?a=1&b=2')" : SHELL_OPERATOR_HINT,
    );
  }
  if (missing.length > 0) {
    const list = missing.map((name) => `$${name}`).join(', ');
    throw inputError(
      'ENV_VAR_NOT_SET',
      `the curl command uses ${list}, but ${missing.length === 1 ? 'that environment variable is' : 'those environment variables are'} not set`,
      `export ${missing[0] ?? 'it'}=... before running, or paste the command with the value written out`,
      { variables: missing },
    );
  }
  const first = words[0] ?? '';
  if (/(^|[/\\])curl(\.exe)?$/i.test(first)) return words.slice(1);
  if (first.startsWith('-') || /^https?:\/\//i.test(first)) return words;
  throw inputError(
    'CURL_NOT_CURL',
    `the --curl value is not a curl command: it starts with "${/\d/.test(first) ? showArgument(first) : first.slice(0, 40)}"`,
    'paste a command that starts with curl, or use --url, -H and --body instead',
  );
}

interface ShellScan {
  /** The text with backslash-newline continuations removed. */
  text: string;
  /** `$(` or a backtick outside single quotes: bash would run a command there. */
  substitution: string | null;
  unclosedQuote: boolean;
}

/**
 * One pass over the command with bash's quoting rules: remove backslash-newline continuations outside
 * single quotes (also `\ ` + newline, a common paste accident), and find what we refuse before
 * shell-quote sees it (command substitution, an unclosed quote). A `#` starting a word ends the scan.
 */
function scanShellText(input: string): ShellScan {
  let text = '';
  let substitution: string | null = null;
  let quote: "'" | '"' | "$'" | null = null;
  let comment = false;
  for (let i = 0; i < input.length; i += 1) {
    const ch = input.charAt(i);
    if (comment || quote === "'") {
      text += ch;
      if (ch === "'" && !comment) quote = null;
      continue;
    }
    if (ch === '\\') {
      const pattern = quote === null ? /^\\[ \t]*\n/ : quote === '"' ? /^\\\n/ : null;
      const continuation = pattern?.exec(input.slice(i, i + 64)) ?? null;
      if (continuation !== null) {
        i += continuation[0].length - 1;
        text += quote === null ? ' ' : '';
        continue;
      }
      text += ch + input.charAt(i + 1);
      i += 1;
      continue;
    }
    text += ch;
    if (quote === "$'") {
      if (ch === "'") quote = null;
      continue;
    }
    if (substitution === null && (ch === '`' || (ch === '$' && input.charAt(i + 1) === '('))) substitution = ch === '`' ? '`' : '$(';
    if (quote === '"') {
      if (ch === '"') quote = null;
    } else if (ch === '$' && input.charAt(i + 1) === "'") {
      quote = "$'";
      text += "'";
      i += 1;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(input.charAt(i - 1)))) comment = true;
  }
  return { text, substitution, unclosedQuote: quote !== null };
}

interface CurlOptions {
  /** Options we act on, in command order: [long name, value]. */
  values: Array<[string, string]>;
  flags: Set<string>;
  positionals: string[];
  warnings: string[];
}

/**
 * Apply curl's option grammar: `-XPOST`, `-sSN`, `-sd '{...}'` (a value-taking letter ends a group and
 * takes the rest or the next word), `--opt value`. The canonical result is handed to yargs-parser as
 * `--long=value`, which makes values that start with `-` unambiguous.
 */
export function collectCurlOptions(args: readonly string[]): CurlOptions {
  const warnings: string[] = [];
  const canonical: string[] = [];
  const ignore = (long: string, value: string | undefined): void => {
    const shown = value === undefined ? '' : ` ${quoteForMessage(long, value)}`;
    warnings.push(`curl option --${long}${shown} is not used by llm-loadtest: ignored`);
  };
  const take = (long: string, value: string | undefined): void => {
    if (value === undefined) {
      throw inputError('CURL_OPTION_MISSING_VALUE', `curl option --${long} needs a value`, `give it one, e.g. --${long} <value>, or remove it`);
    }
    // The body options share one key so yargs-parser keeps their command order (curl joins them in order).
    if (BODY_OPTIONS.has(long)) canonical.push(`--${BODY_PART}=${long}:${value}`);
    else if (long in VALUE_OPTIONS) canonical.push(`--${long}=${value}`);
    else ignore(long, value);
  };
  const flag = (long: string): void => {
    if (long in FLAG_OPTIONS) canonical.push(`--${long}`);
    else ignore(long, undefined);
  };
  let onlyPositionals = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      canonical.push(arg.startsWith('-') ? `./${arg}` : arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const named = eq > 0 && !(arg.slice(2) in VALUE_OPTIONS || arg.slice(2) in FLAG_OPTIONS);
      const long = named ? arg.slice(2, eq) : arg.slice(2);
      if (takesValue(long)) {
        if (named) take(long, arg.slice(eq + 1));
        else {
          take(long, args[i + 1]);
          i += 1;
        }
      } else if (long in FLAG_OPTIONS) flag(long);
      else if (long.startsWith('no-') && long.slice(3) in FLAG_OPTIONS) continue;
      // The value of an unknown `--name=value` may be a key: shown masked, like a stray argument.
      else warnings.push(`unknown curl option ${named ? `--${long}=${isSecretName(long) ? '***' : showArgument(arg.slice(eq + 1))}` : arg}: ignored`);
      continue;
    }
    for (let j = 1; j < arg.length; j += 1) {
      const letter = arg.charAt(j);
      const long = SHORT_TO_LONG.get(letter);
      if (long === undefined) {
        warnings.push(`unknown curl option -${letter}: ignored`);
        continue;
      }
      if (takesValue(long)) {
        const rest = arg.slice(j + 1);
        if (rest !== '') take(long, rest);
        else {
          take(long, args[i + 1]);
          i += 1;
        }
        break;
      }
      flag(long);
    }
  }
  const parsed = parseArgs(canonical, {
    string: [...Object.keys(VALUE_OPTIONS), BODY_PART],
    boolean: Object.keys(FLAG_OPTIONS),
    configuration: {
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'boolean-negation': false,
      'duplicate-arguments-array': true,
      'flatten-duplicate-arrays': true,
      'short-option-groups': false,
      'greedy-arrays': false,
    },
  });
  // yargs-parser groups by option; the command order matters for -d pieces and repeated headers, and
  // it is preserved within each option's array.
  const values: Array<[string, string]> = [];
  for (const long of [...Object.keys(VALUE_OPTIONS), BODY_PART]) {
    const raw: unknown = parsed[long];
    if (raw === undefined) continue;
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const value = String(item);
      if (long !== BODY_PART) values.push([long, value]);
      else {
        const colon = value.indexOf(':');
        values.push([value.slice(0, colon), value.slice(colon + 1)]);
      }
    }
  }
  const flags = new Set(Object.keys(FLAG_OPTIONS).filter((long) => parsed[long] === true));
  const positionals = parsed._.map((item) => {
    const text = String(item);
    return text.startsWith('./-') ? text.slice(2) : text;
  });
  return { values, flags, positionals, warnings };
}

function quoteForMessage(long: string, value: string): string {
  if (isSecretName(long) || /user|pass|cert|sigv4|bearer|header/.test(long)) return '***';
  const shown = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? maskUrl(value) : value;
  const short = shown.length > 40 ? `${shown.slice(0, 37)}...` : shown;
  return /\s/.test(short) ? `"${short}"` : short;
}

async function buildSpec(options: CurlOptions, cwd: string): Promise<RequestSpec> {
  const warnings = [...options.warnings];
  const headers: NameValue[] = [];
  // -u, -A, -e and --oauth2-bearer yield to an explicit -H of the same name, as in curl: they go first.
  const derivedHeaders: NameValue[] = [];
  const cookies: NameValue[] = [];
  /** Body pieces in command order; curl joins -d pieces with & and appends --json pieces as they are. */
  const bodyPieces: Array<{ text: string; json: boolean }> = [];
  let method: string | undefined;
  const urls: string[] = [];
  let timeoutS: number | undefined;
  let connectTimeoutS: number | undefined;
  let jsonDefaults = false;

  for (const [long, value] of options.values) {
    switch (long) {
      case 'request':
        method = value.toUpperCase();
        break;
      case 'header':
        addHeaderLine(value, 'curl header', { headers, cookies });
        break;
      case 'data':
      case 'data-ascii': {
        // curl drops carriage returns and newlines from -d @file.
        const text = await readBodyArgument(value, cwd, `curl --${long}`);
        bodyPieces.push({ text: value.startsWith('@') ? text.replace(/[\r\n]/g, '') : text, json: false });
        break;
      }
      case 'data-binary':
        bodyPieces.push({ text: await readBodyArgument(value, cwd, `curl --${long}`), json: false });
        break;
      case 'data-raw':
        bodyPieces.push({ text: value, json: false });
        break;
      case 'json':
        bodyPieces.push({ text: await readBodyArgument(value, cwd, 'curl --json'), json: true });
        jsonDefaults = true;
        break;
      case 'user':
        derivedHeaders.push(basicAuth(value, warnings));
        break;
      case 'oauth2-bearer':
        derivedHeaders.push({ name: 'Authorization', value: `Bearer ${value}` });
        break;
      case 'cookie':
        if (value.includes('=')) cookies.push(...parseCookieString(value, 'curl cookie'));
        else warnings.push(`curl -b "${value}" names a cookie file, which is not read: ignored (give cookies as name=value)`);
        break;
      case 'url':
        urls.push(value);
        break;
      case 'user-agent':
        derivedHeaders.push({ name: 'User-Agent', value });
        break;
      case 'referer':
        derivedHeaders.push({ name: 'Referer', value });
        break;
      case 'max-time':
        timeoutS = parseSeconds(value, '-m/--max-time');
        break;
      case 'connect-timeout':
        connectTimeoutS = parseSeconds(value, '--connect-timeout');
        break;
      default:
        break;
    }
  }
  urls.push(...options.positionals);
  const first = urls[0];
  if (first === undefined || first.trim() === '') {
    throw inputError('CURL_NO_URL', 'the curl command has no URL', "add the endpoint URL, e.g. curl https://api.openai.com/v1/chat/completions ...");
  }
  for (const extra of urls.slice(1)) warnings.push(`extra curl argument "${showArgument(extra)}" ignored: only the first URL is tested`);

  // bash leaves $VAR in single quotes alone, and so do we; it is usually a key meant to be expanded.
  for (const { name, value } of headers) {
    const variable = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/.exec(value)?.[0];
    if (variable !== undefined) {
      warnings.push(`header ${name} holds a literal "${variable}" (single quotes keep it from the shell): it is sent as written; use double quotes to take it from the environment`);
    }
  }
  if (jsonDefaults) {
    if (!headers.some((h) => h.name.toLowerCase() === 'content-type')) headers.push({ name: 'Content-Type', value: 'application/json' });
    if (!headers.some((h) => h.name.toLowerCase() === 'accept')) headers.push({ name: 'Accept', value: 'application/json' });
  }
  const hasBody = bodyPieces.length > 0;
  const body = hasBody ? bodyPieces.reduce((joined, piece, i) => (i === 0 ? piece.text : `${joined}${piece.json ? '' : '&'}${piece.text}`), '') : undefined;
  if (method === undefined && !hasBody) {
    warnings.push('the curl command has no body and no -X: curl would send GET, but LLM APIs take POST, so POST is sent');
  }
  return {
    source: 'curl',
    url: normalizeUrl(first.trim(), 'curl URL'),
    method: method ?? 'POST',
    headers: [...derivedHeaders, ...headers],
    cookies,
    body,
    insecure: options.flags.has('insecure'),
    ...(timeoutS === undefined ? {} : { timeoutS }),
    ...(connectTimeoutS === undefined ? {} : { connectTimeoutS }),
    warnings,
  };
}

/** A stray word may be a key that lost its header to bad quoting (`-H Authorization: Bearer sk-...`): mask it. */
function showArgument(text: string): string {
  if (/^https?:\/\//i.test(text)) return maskUrl(text);
  if (text.length >= 12) return maskSecret(text);
  return text;
}

function basicAuth(value: string, warnings: string[]): NameValue {
  const colon = value.indexOf(':');
  if (colon < 0) warnings.push('curl -u has no password (curl would prompt for one): an empty password is sent');
  const credentials = colon < 0 ? `${value}:` : value;
  return { name: 'Authorization', value: toBasicAuthorization(credentials) };
}

function parseSeconds(value: string, flag: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > LOCAL_LIMITS.timeoutS) {
    throw inputError(
      'CURL_OPTION_INVALID',
      `curl ${flag} "${value}" is not a number of seconds > 0 and ≤ ${LOCAL_LIMITS.timeoutS}`,
      `write it as seconds, e.g. ${flag.split('/')[0] ?? flag} 60`,
    );
  }
  return seconds;
}

/** A URL as curl takes it: without a scheme it is http://. Throws a clear error when it is not a URL. */
export function normalizeUrl(raw: string, what: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw inputError('URL_INVALID', `${what} "${maskUrl(raw)}" is not a valid URL`, 'write it as https://host[:port]/path, e.g. https://api.openai.com/v1/chat/completions');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw inputError('URL_INVALID', `${what} "${maskUrl(raw)}" uses ${parsed.protocol.slice(0, -1)}://; only http:// and https:// are supported`, 'use the http(s) URL of the API endpoint');
  }
  return withScheme;
}

