import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { collectCurlOptions, normalizeUrl, parseCurl, tokenizeCurl } from '../../src/input/curl.js';

const cwd = mkdtempSync(join(tmpdir(), 'llm-loadtest-curl-'));
const parse = (command: string, env: Record<string, string> = {}) => parseCurl(command, { env, cwd });

async function refusal(command: string, env: Record<string, string> = {}): Promise<AppError> {
  try {
    await parse(command, env);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('tokenizeCurl', () => {
  it('expands $VAR, ${VAR} and ${VAR:-default}, not inside single quotes', () => {
    expect(tokenizeCurl(`curl "$A" \${B} "\${C:-fallback}" '$A'`, { A: 'a1', B: 'b2' })).toEqual(['a1', 'b2', 'fallback', '$A']);
  });

  it('names every unset variable', () => {
    const run = () => tokenizeCurl('curl -H "Authorization: Bearer $KEY_ONE" -H "x: $KEY_TWO" http://h/v1/chat/completions', {});
    expect(run).toThrow('the curl command uses $KEY_ONE, $KEY_TWO, but those environment variables are not set');
  });

  it('treats an empty variable as unset', () => {
    expect(() => tokenizeCurl('curl -H "k: $EMPTY"', { EMPTY: '' })).toThrow('the curl command uses $EMPTY, but that environment variable is not set');
  });

  it('keeps unquoted query strings (globs to the shell) as text', () => {
    expect(tokenizeCurl('curl http://h/p?api-version=1 -H *', {})).toEqual(['http://h/p?api-version=1', '-H', '*']);
  });

  it('refuses an unquoted & with a hint to quote the URL', () => {
    let caught: unknown;
    try {
      tokenizeCurl('curl http://h/p?a=1&b=2', {});
    } catch (error) {
      caught = error;
    }
    expect((caught as AppError).message).toBe('the curl command contains the shell operator "&": only one plain curl command can be load tested');
    expect((caught as AppError).hint).toBe('an unquoted & ends the command in a shell: put the URL in quotes (\'https://...?a=1&b=2\')');
  });

  it('accepts a command without the leading curl, and curl.exe', () => {
    expect(tokenizeCurl('-s http://h/x', {})).toEqual(['-s', 'http://h/x']);
    expect(tokenizeCurl('curl.exe http://h/x', {})).toEqual(['http://h/x']);
    expect(tokenizeCurl('/usr/bin/curl http://h/x', {})).toEqual(['http://h/x']);
  });
});

describe('collectCurlOptions', () => {
  it('splits short-option groups the way curl does', () => {
    const parsed = collectCurlOptions(['-sSLkXPOST', '-Hk: v', '-d-1', 'http://h/x']);
    expect(parsed.values).toEqual([
      ['request', 'POST'],
      ['header', 'k: v'],
      ['data', '-1'],
    ]);
    expect([...parsed.flags].sort()).toEqual(['insecure', 'location', 'show-error', 'silent']);
    expect(parsed.positionals).toEqual(['http://h/x']);
    expect(parsed.warnings).toEqual([]);
  });

  it('takes values that start with a dash', () => {
    const parsed = collectCurlOptions(['--data-raw', '--not-a-flag', '-H', '-x: y', 'http://h/x']);
    expect(parsed.values).toEqual([
      ['header', '-x: y'],
      ['data-raw', '--not-a-flag'],
    ]);
  });

  it('warns about unknown and unused options, and keeps their values off the URL', () => {
    const parsed = collectCurlOptions(['-Z', '--proxy', 'http://proxy:3128', '--no-buffer', '--no-silent', 'http://h/x', '-x', 'p:1']);
    expect(parsed.positionals).toEqual(['http://h/x']);
    expect(parsed.warnings).toEqual([
      'unknown curl option -Z: ignored',
      'curl option --proxy http://proxy:3128/ is not used by llm-loadtest: ignored',
      'curl option --proxy p:1 is not used by llm-loadtest: ignored',
    ]);
  });

  it('refuses a value option at the end', () => {
    expect(() => collectCurlOptions(['http://h/x', '-H'])).toThrow('curl option --header needs a value');
  });
});

describe('parseCurl details', () => {
  it('-u without a password sends an empty one and says so', async () => {
    const spec = await parse('curl -u bob http://h/v1/chat/completions -d "{}"');
    expect(spec.headers).toEqual([{ name: 'Authorization', value: `Basic ${Buffer.from('bob:').toString('base64')}` }]);
    expect(spec.warnings).toEqual(['curl -u has no password (curl would prompt for one): an empty password is sent']);
  });

  it('an explicit -H Authorization wins over -u (it comes later)', async () => {
    const spec = await parse('curl -H "Authorization: Bearer t" -u a:b http://h/v1/chat/completions -d "{}"');
    expect(spec.headers.map((h) => h.value)).toEqual([`Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer t']);
  });

  it('-b with a file name is ignored with a warning; -H "Cookie:" joins the cookies', async () => {
    const spec = await parse('curl -b cookies.txt -H "Cookie: a=1; b=x=y" http://h/v1/chat/completions -d "{}"');
    expect(spec.cookies).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'x=y' },
    ]);
    expect(spec.warnings).toEqual(['curl -b "cookies.txt" names a cookie file, which is not read: ignored (give cookies as name=value)']);
  });

  it('-H "Name:" removes a header in curl, so nothing is sent; "Name;" sends it empty', async () => {
    const spec = await parse('curl -H "Accept:" -H "X-Empty;" http://h/v1/chat/completions -d "{}"');
    expect(spec.headers).toEqual([{ name: 'X-Empty', value: '' }]);
  });

  it('joins several -d with & as curl does, and -d @file drops newlines but --data-binary keeps them', async () => {
    writeFileSync(join(cwd, 'body.txt'), 'a\r\nb\n');
    const data = await parse('curl http://h/x -d one -d @body.txt');
    expect(data.body).toBe('one&ab');
    const binary = await parse('curl http://h/x --data-binary @body.txt');
    expect(binary.body).toBe('a\r\nb\n');
  });

  it('keeps the command order across -d, --data-raw and --json pieces', async () => {
    expect((await parse('curl http://h/x -d a --data-raw b -d c')).body).toBe('a&b&c');
    expect((await parse(`curl http://h/x --json '{"a":' --json '1}'`)).body).toBe('{"a":1}');
  });

  it('reads -d @file relative to cwd and names a missing one', async () => {
    const error = await refusal('curl http://h/x -d @nope.json');
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toBe(`curl --data: file ${join(cwd, 'nope.json')} does not exist`);
  });

  it('refuses @- (stdin is not available inside --curl)', async () => {
    expect((await refusal('curl http://h/x -d @-')).message).toBe('curl --data "@-" does not name a file');
  });

  it('masks a stray key left over from broken quoting', async () => {
    const spec = await parse('curl http://h/v1/chat/completions -H Authorization: Bearer sk-proj-0123456789abcdef -d "{}"');
    expect(spec.warnings).toEqual([
      'extra curl argument "Bearer" ignored: only the first URL is tested',
      'extra curl argument "sk-…cdef" ignored: only the first URL is tested',
    ]);
  });

  it('keeps -X as given, upper-cased', async () => {
    expect((await parse('curl -X put http://h/x -d "{}"')).method).toBe('PUT');
  });

  it('--connect-timeout and -m become seconds', async () => {
    const spec = await parse('curl --connect-timeout 2.5 --max-time 90 http://h/x');
    expect([spec.timeoutS, spec.connectTimeoutS]).toEqual([90, 2.5]);
  });

  it('refuses an empty command', async () => {
    expect((await refusal('   ')).message).toBe('the curl command is empty');
  });
});

describe('normalizeUrl', () => {
  it.each([
    ['localhost:8000/v1/chat/completions', 'http://localhost:8000/v1/chat/completions'],
    ['api.openai.com/v1/chat/completions', 'http://api.openai.com/v1/chat/completions'],
    ['https://h/x', 'https://h/x'],
  ])('%s → %s', (raw, url) => {
    expect(normalizeUrl(raw, '--url')).toBe(url);
  });

  it('refuses other schemes and non-URLs', () => {
    expect(() => normalizeUrl('ftp://h/x', '--url')).toThrow('--url "ftp://h/x" uses ftp://; only http:// and https:// are supported');
    expect(() => normalizeUrl('http://exa mple.com/x', '--url')).toThrow('--url "http://exa mple.com/x" is not a valid URL');
  });
});

describe('warnings never show secrets', () => {
  it('masks ignored options that carry credentials', () => {
    const parsed = collectCurlOptions(['--proxy', 'http://bob:pw-0123456789@proxy:3128', '-U', 'bob:pw', '--key', 'client.pem', 'http://h/x']);
    expect(parsed.warnings).toEqual([
      'curl option --proxy http://***@proxy:3128/ is not used by llm-loadtest: ignored',
      'curl option --proxy-user *** is not used by llm-loadtest: ignored',
      'curl option --key *** is not used by llm-loadtest: ignored',
    ]);
  });

  it('masks the value of an unknown --name=value option', () => {
    const parsed = collectCurlOptions(['--api-token=sk-proj-0123456789abcdef', '--trace-config=sk-proj-0123456789abcdef', '--retry-all-errors=yes', 'http://h/x']);
    expect(parsed.warnings).toEqual([
      'unknown curl option --api-token=***: ignored',
      'unknown curl option --trace-config=sk-…cdef: ignored',
      'unknown curl option --retry-all-errors=yes: ignored',
    ]);
  });
});

describe('what is not a bash curl command', () => {
  it('does not echo a key passed instead of a command', () => {
    expect(() => tokenizeCurl('sk-proj-0123456789abcdef', {})).toThrow('the --curl value is not a curl command: it starts with "sk-…cdef"');
  });

  it('takes a ^ inside a single-quoted body as text, not as cmd syntax', () => {
    expect(tokenizeCurl(`curl http://h/x -d '{"pattern":"^\\"a"}'`, {})).toEqual(['http://h/x', '-d', '{"pattern":"^\\"a"}']);
  });
});
