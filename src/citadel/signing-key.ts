// The CA's signing key as WebCrypto needs it: imported from PEM (EC or RSA), or a new P-256 key.
import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';

/** A private key ready to sign certificates, with the algorithm to sign with. */
export interface SigningKey {
  readonly privateKey: webcrypto.CryptoKey;
  readonly publicKey: webcrypto.CryptoKey;
  readonly algorithm: webcrypto.EcdsaParams | webcrypto.Algorithm;
  /** PKCS#8 PEM of the private key. */
  readonly pkcs8Pem: string;
}

const CURVES: Readonly<Record<string, { curve: string; hash: string }>> = {
  prime256v1: { curve: 'P-256', hash: 'SHA-256' },
  secp384r1: { curve: 'P-384', hash: 'SHA-384' },
  secp521r1: { curve: 'P-521', hash: 'SHA-512' },
};

async function fromKeyObject(key: KeyObject): Promise<SigningKey> {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const pkcs8Pem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (key.asymmetricKeyType === 'ec') {
    const named = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!named) throw new Error(`unsupported EC curve ${key.asymmetricKeyDetails?.namedCurve ?? '(unknown)'}; use P-256, P-384 or P-521`);
    const params = { name: 'ECDSA', namedCurve: named.curve };
    return {
      privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, params, false, ['sign']),
      publicKey: await webcrypto.subtle.importKey('spki', spki, params, true, ['verify']),
      algorithm: { name: 'ECDSA', hash: named.hash },
      pkcs8Pem,
    };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return {
      privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, params, false, ['sign']),
      publicKey: await webcrypto.subtle.importKey('spki', spki, params, true, ['verify']),
      algorithm: params,
      pkcs8Pem,
    };
  }
  throw new Error(`unsupported CA key type ${key.asymmetricKeyType ?? '(unknown)'}; use EC or RSA`);
}

/** Imports a private key in any PEM form Node reads (PKCS#8, SEC1, PKCS#1). Throws on other keys. */
export function importSigningKey(pem: string): Promise<SigningKey> {
  return fromKeyObject(createPrivateKey(pem));
}

/** Generates a new ECDSA P-256 key. */
export async function generateSigningKey(): Promise<SigningKey> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey));
  return fromKeyObject(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
}

/** True when the certificate `certPublicKey` holds is the public half of `keyPem`. */
export function keyMatchesCertificate(keyPem: string, certPublicKey: KeyObject): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return fromKey.equals(certPublicKey.export({ type: 'spki', format: 'der' }));
}
