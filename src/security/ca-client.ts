// What a workload's agent needs from a certificate authority, whatever carries the call.

/** A CSR to sign for the caller's own identity. */
export interface CertificateRequest {
  /** PKCS#10 CSR, PEM. Its URI SAN names the identity asked for. */
  readonly csrPem: string;
  /** Requested lifetime in seconds; the CA may shorten it to its maximum. */
  readonly validitySeconds: number;
}

/** The CA's answer. */
export interface SignedCertificate {
  /** The chain, PEM per certificate: the workload certificate first, then intermediates. */
  readonly certChainPem: readonly string[];
  /** Every root the mesh trusts (more than one while a root is being rotated), PEM per root. */
  readonly trustBundlePem: readonly string[];
}

/** Error kinds a CA call ends with, so callers can tell "retry later" from "fix your config". */
export type CaClientErrorKind = 'unavailable' | 'unauthenticated' | 'permission-denied' | 'invalid-request' | 'internal';

export class CaClientError extends Error {
  constructor(
    readonly kind: CaClientErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CaClientError';
  }
}

/** A client of the CSR service. Rejects with CaClientError. */
export interface CertificateAuthorityClient {
  createCertificate(request: CertificateRequest): Promise<SignedCertificate>;
  close(): void;
}
