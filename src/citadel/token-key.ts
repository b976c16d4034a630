// The key that signs bootstrap tokens: an ES256 key kept in the CA directory (`token-key.pem`,
// mode 0600), created once by whoever needs it first.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from './ca-files.js';

export const TOKEN_KEY_FILE = 'token-key.pem';

/** The token signing key pair. */
export interface TokenKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

function fromPem(pem: string, path: string): TokenKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${path} is not a P-256 key (ES256)`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/**
 * Loads the token key from `caDir`, creating the directory (0700) and the key when absent. Two
 * processes creating it at once end up with the same key: the file is never replaced.
 */
export async function loadOrCreateTokenKey(caDir: string): Promise<TokenKey> {
  const path = join(caDir, TOKEN_KEY_FILE);
  const existing = await readFileIfExists(path);
  if (existing !== undefined) return fromPem(existing, path);
  await mkdir(caDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (await writeFileAtomic(path, pem, { mode: 0o600, noClobber: true })) return fromPem(pem, path);
  const winner = await readFileIfExists(path);
  if (winner === undefined) throw new Error(`${path} vanished while it was being created`);
  return fromPem(winner, path);
}
