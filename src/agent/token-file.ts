// The bootstrap token the agent proves its identity to the CA with, read from a file on every
// request so that whoever writes the file can refresh it.
import { readFile } from 'node:fs/promises';

/**
 * A token source for the CA client: each call reads `path` afresh and returns its trimmed text.
 * Rejects (an I/O error) when the file cannot be read or is empty.
 */
export function createTokenFileSource(path: string, read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8')): () => Promise<string> {
  return async () => {
    const token = (await read(path)).trim();
    if (token === '') throw new Error(`the token file ${path} is empty`);
    return token;
  };
}
