// The workload's current certificate as the agent holds it: the chain the CA signed, the key it
// was signed for, and the roots to verify peers with.

/** A verified certificate for the workload's own identity and key. */
export interface WorkloadCertificate {
  /** The SPIFFE ID the leaf certifies. */
  readonly spiffeId: string;
  /** PEM: the leaf first, then intermediates, as the CA returned them. */
  readonly certificateChainPem: string;
  /** PKCS#8 PEM of the key the leaf certifies. */
  readonly privateKeyPem: string;
  /** Every root the mesh trusts, PEM per root. */
  readonly trustBundlePem: readonly string[];
  /** The leaf's serial number, hex. */
  readonly serialNumber: string;
  /** Validity, ms since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
}
