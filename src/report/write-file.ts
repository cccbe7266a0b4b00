import { randomBytes } from 'node:crypto';
import { rm, rename, writeFile } from 'node:fs/promises';

/**
 * Write a whole file of a run through a temporary name in the same folder, then rename it over the
 * final name: a full disk leaves the old file (or none), never a 0-byte or half-written one, and a
 * symbolic link at the final name is replaced, never followed (`wx` refuses to open an existing name).
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { encoding: 'utf8', flag: 'wx', mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
