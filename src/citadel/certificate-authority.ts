// The certificate authority: its signing certificate (self-signed root or plug-in cacerts), the
// trust bundle, and signing of workload certificates for proven identities.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { spiffeId, type WorkloadIdentity } from '../security/identity.js';
import { caFailure, type CaResult } from './ca-errors.js';
import { readFileIfExists } from './ca-files.js';
import type { ParsedCsr } from './csr-parse.js';
import { signLeafCertificate, type LeafCertificateParams } from './leaf-certificate.js';
import { loadPluginCa } from './plugin-ca.js';
import { loadOrCreateSelfSignedRoot } from './self-signed-root.js';
import type { SigningAuthority } from './signing-authority.js';
import { buildTrustBundle } from './trust-bundle.js';

/** The CA's file holding extra roots to trust besides the signing root. */
export const TRUST_BUNDLE_FILE = 'trust-bundle.pem';

/** Istio's defaults: workload certificates live 24h, and at most 90 days. */
export const DEFAULT_CERT_TTL_SECONDS = 24 * 3600;
export const DEFAULT_MAX_CERT_TTL_SECONDS = 90 * 24 * 3600;
const CLOCK_SKEW_MS = 60_000;

export interface CertificateAuthorityConfig {
  /** Where the self-signed root (and the token key, and `trust-bundle.pem`) live. */
  readonly caDir: string;
  /** The mesh's trust domain (`cluster.local`); the CA signs SPIFFE IDs in it only. */
  readonly trustDomain: string;
  /** Sign with a user's CA in Istio's `cacerts` layout instead of the self-signed root. */
  readonly pluginCaDir?: string;
  /** Lifetime when the request asks for none; defaults to 24h. */
  readonly defaultTtlSeconds?: number;
  /** Longest lifetime; longer requests are shortened to it. Defaults to 90 days. */
  readonly maxTtlSeconds?: number;
  /** Extra roots to trust (PEM texts, each may hold several). */
  readonly extraRootsPem?: readonly string[];
  readonly now?: () => Date;
}

/** A signed certificate with its full chain, as the CSR service returns it. */
export interface IssuedCertificate {
  /** Leaf, intermediates, signing root, then the other trust-bundle roots. */
  readonly certChainPem: readonly string[];
  readonly notAfter: Date;
}

/** A running CA. */
export interface CertificateAuthority {
  readonly trustDomain: string;
  readonly authority: SigningAuthority;
  /** Every root to trust, the signing root first. */
  readonly trustBundlePem: readonly string[];
  /** SHA-256 fingerprint of the signing root, colon-separated hex. */
  readonly rootFingerprint: string;
  /**
   * Signs `csr` for `proven`, the identity the caller proved. Refuses with `identity-mismatch`
   * when the CSR names another identity or trust domain, and `ttl` for a negative or non-finite
   * lifetime; 0 means the default, and longer than the maximum is shortened to it.
   */
  sign(csr: ParsedCsr, validitySeconds: number, proven: Omit<WorkloadIdentity, 'trustDomain'>): Promise<CaResult<IssuedCertificate>>;
  /** Signs a leaf with arbitrary SANs (the control plane's serving certificate); returns its chain, leaf first, without roots. */
  signLeaf(params: LeafCertificateParams): Promise<string[]>;
}

/** Loads (or on first start creates) the CA described by `config`. Throws on unusable CA files. */
export async function createCertificateAuthority(config: CertificateAuthorityConfig): Promise<CertificateAuthority> {
  const now = config.now ?? (() => new Date());
  const defaultTtl = config.defaultTtlSeconds ?? DEFAULT_CERT_TTL_SECONDS;
  const maxTtl = config.maxTtlSeconds ?? DEFAULT_MAX_CERT_TTL_SECONDS;
  if (!(defaultTtl > 0) || !(maxTtl > 0)) throw new Error('certificate TTLs must be positive');
  const authority = config.pluginCaDir
    ? await loadPluginCa(config.pluginCaDir)
    : await loadOrCreateSelfSignedRoot(config.caDir, { trustDomain: config.trustDomain, now });
  const bundleFile = await readFileIfExists(join(config.caDir, TRUST_BUNDLE_FILE));
  const trustBundlePem = buildTrustBundle(authority.rootPem, [...authority.otherRootsPem, ...(bundleFile ? [bundleFile] : []), ...(config.extraRootsPem ?? [])]);
  const chainTail = [...authority.intermediatesPem, ...trustBundlePem];

  return {
    trustDomain: config.trustDomain,
    authority,
    trustBundlePem,
    rootFingerprint: new X509Certificate(authority.rootPem).fingerprint256,
    async sign(csr, validitySeconds, proven) {
      if (!Number.isFinite(validitySeconds) || validitySeconds < 0) return caFailure('ttl', `requested lifetime ${validitySeconds}s is not a non-negative number of seconds`);
      const wanted = { trustDomain: config.trustDomain, namespace: proven.namespace, serviceAccount: proven.serviceAccount };
      if (csr.uri !== spiffeId(wanted)) {
        return caFailure('identity-mismatch', `the CSR asks for ${csr.uri}, but the caller proved ${spiffeId(wanted)}`);
      }
      const ttl = Math.min(validitySeconds === 0 ? defaultTtl : validitySeconds, maxTtl);
      const start = now().getTime();
      const notAfter = new Date(start + ttl * 1000);
      const leaf = await signLeafCertificate(authority, {
        publicKey: csr.publicKey,
        sans: [{ type: 'url', value: csr.uri }],
        notBefore: new Date(start - CLOCK_SKEW_MS),
        notAfter,
      });
      return { ok: true, value: { certChainPem: [leaf, ...chainTail], notAfter } };
    },
    async signLeaf(params) {
      return [await signLeafCertificate(authority, params), ...authority.intermediatesPem];
    },
  };
}
