import { describe, expect, it } from 'vitest';
import { parseHeaderFlags } from '../../src/input/flags.js';
import { getHeader, parseCookieString, parseHeaderLine, toHeaderRecord } from '../../src/input/headers.js';

describe('parseHeaderLine', () => {
  it.each([
    ['Authorization: Bearer x', { name: 'Authorization', value: 'Bearer x' }],
    ['  x-api-key:   k  ', { name: 'x-api-key', value: 'k' }],
    ['sec-ch-ua: "Chromium";v="130"', { name: 'sec-ch-ua', value: '"Chromium";v="130"' }],
    ['Url: http://a:b@c', { name: 'Url', value: 'http://a:b@c' }],
    ['X-Empty;', { name: 'X-Empty', value: '' }],
    ['Accept:', null],
  ])('%j', (line, header) => {
    expect(parseHeaderLine(line, '-H')).toEqual(header);
  });

  it('refuses a line without a name, masking what may be a key', () => {
    expect(() => parseHeaderLine('Bearer sk-proj-0123456789', '-H/--header')).toThrow('-H/--header "Bearer sk-…6789" is not a header: expected "Name: value"');
    expect(() => parseHeaderLine('oops', '-H/--header')).toThrow('-H/--header "oops" is not a header');
  });

  it('refuses a name with spaces without echoing the value', () => {
    expect(() => parseHeaderLine('Auth token: sk-proj-0123456789', '-H')).toThrow('-H has an invalid header name "Auth token"');
  });
});

describe('parseCookieString', () => {
  it('splits on ; and keeps = inside values', () => {
    expect(parseCookieString('a=1; b=x=y;;c=', '--cookie')).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'x=y' },
      { name: 'c', value: '' },
    ]);
  });

  it('refuses a piece without a name', () => {
    expect(() => parseCookieString('justtext', '--cookie')).toThrow('--cookie "justtext" is not a cookie: expected "name=value"');
  });
});

describe('toHeaderRecord / getHeader', () => {
  it('a later header replaces an earlier one of any case, keeping its spelling and the first position', () => {
    const record = toHeaderRecord([
      { name: 'content-type', value: 'text/plain' },
      { name: 'X-A', value: '1' },
      { name: 'Content-Type', value: 'application/json' },
    ]);
    expect(Object.entries(record)).toEqual([
      ['Content-Type', 'application/json'],
      ['X-A', '1'],
    ]);
    expect(getHeader(record, 'CONTENT-TYPE')).toBe('application/json');
    expect(getHeader(record, 'missing')).toBeUndefined();
  });
});

describe('parseHeaderFlags', () => {
  it('a Cookie header joins the cookies, in order with --cookie', () => {
    expect(parseHeaderFlags(['X-A: 1', 'Cookie: a=1; b=2'], ['c=3'])).toEqual({
      headers: [{ name: 'X-A', value: '1' }],
      cookies: [
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
        { name: 'c', value: '3' },
      ],
    });
  });

  it('a bad Cookie header names the flag it came from', () => {
    expect(() => parseHeaderFlags(['Cookie: session'], [])).toThrow('-H/--header Cookie "session" is not a cookie: expected "name=value"');
  });
});
