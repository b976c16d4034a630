// A throwaway certificate authority for tests: a root, leaves with SPIFFE URI SANs, expired
// leaves, and leaves from a foreign CA, all as PEM.
import { webcrypto } from 'node:crypto';
import { x509 } from '../../security/x509.js';
import type { TlsCertificateSecret, ValidationSecret } from './secret-provider.js';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

/** A leaf certificate with its key, in the shapes tests need. */
export interface TestLeaf {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The leaf as an SDS certificate secret (leaf first, then the root). */
  readonly secret: TlsCertificateSecret;
}

export interface LeafOptions {
  /** URI SANs, e.g. `spiffe://cluster.local/ns/default/sa/sleep`. */
  readonly uris?: readonly string[];
  readonly dnsNames?: readonly string[];
  /** Subject common name; `leaf` by default. */
  readonly commonName?: string;
  /** Validity window; by default from one day ago to one day ahead. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export interface TestCa {
  readonly rootPem: string;
  /** The root as an SDS validation secret. */
  readonly validation: ValidationSecret;
  issue(options?: LeafOptions): Promise<TestLeaf>;
  /** A leaf whose validity ended an hour ago. */
  issueExpired(options?: LeafOptions): Promise<TestLeaf>;
}

let serial = 1;
const nextSerial = (): string => (serial++).toString(16).padStart(2, '0');

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

/** Creates a CA with a fresh P-256 root named `name`; each call gives an unrelated CA. */
export async function createTestCa(name = 'Heddle Test Root'): Promise<TestCa> {
  const rootKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${name}, O=Heddle`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 10 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const rootPem = root.toString('pem');

  async function issue(options: LeafOptions = {}): Promise<TestLeaf> {
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
    const names = [
      ...(options.uris ?? []).map((value) => ({ type: 'url' as const, value })),
      ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ];
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      // An empty commonName gives an empty subject, as Citadel's workload certificates have.
      subject: options.commonName === '' ? '' : `CN=${options.commonName ?? 'leaf'}, O=Heddle`,
      issuer: root.subject,
      notBefore: options.notBefore ?? new Date(Date.now() - DAY_MS),
      notAfter: options.notAfter ?? new Date(Date.now() + DAY_MS),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: rootKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      ],
    });
    const certificatePem = cert.toString('pem');
    const keyPem = await privateKeyPem(keys.privateKey);
    return {
      certificatePem,
      privateKeyPem: keyPem,
      secret: { kind: 'certificate', certificateChainPem: `${certificatePem}\n${rootPem}\n`, privateKeyPem: keyPem },
    };
  }

  return {
    rootPem,
    validation: { kind: 'validation', trustedCaPem: rootPem },
    issue,
    issueExpired: (options = {}) => issue({ ...options, notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter: new Date(Date.now() - 3_600_000) }),
  };
}
