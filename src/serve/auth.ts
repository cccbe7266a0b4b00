import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The service's bearer token check. Both sides are hashed first, so the comparison is constant-time
 * whatever the lengths (timingSafeEqual refuses buffers of different lengths, and an early length check
 * would tell an attacker the token's length).
 */
export function createTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = sha256(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S.*)$/i.exec(authorization ?? '');
    // A missing or malformed header is still hashed and compared: every refusal takes the same path.
    const given = sha256(match?.[1]?.trim() ?? '');
    return timingSafeEqual(given, expected) && match !== null;
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
