// The workload's private key: ECDSA P-256, generated in memory for each certificate and never
// written anywhere.
import { webcrypto } from 'node:crypto';

/** ECDSA over P-256 with SHA-256, what Istio's agents use for workload keys. */
export const WORKLOAD_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const WORKLOAD_SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A fresh key pair, with the encodings the CSR check and the proxy's TLS need. */
export interface WorkloadKey {
  readonly keys: webcrypto.CryptoKeyPair;
  /** PKCS#8 PEM, handed to the proxy in memory only. */
  readonly privateKeyPem: string;
  /** SubjectPublicKeyInfo DER, to check that a signed certificate is for this key. */
  readonly publicKeySpki: Uint8Array;
}

/** Generates a new P-256 key pair in memory. */
export async function createWorkloadKey(): Promise<WorkloadKey> {
  // Extractable, because the proxy's TLS stack takes the key as PEM; it stays in this process.
  const keys = await webcrypto.subtle.generateKey(WORKLOAD_KEY_ALGORITHM, true, ['sign', 'verify']);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  return { keys, privateKeyPem: toPem('PRIVATE KEY', pkcs8), publicKeySpki: spki };
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
