// Where the proxy's TLS contexts get their secrets by SDS name (`default`, `ROOTCA`, `file-cert:…`,
// `file-root:…`). The workload's agent provides them; the proxy only reads and watches.

/** A certificate with its key (`default`, `file-cert:<cert>~<key>`). */
export interface TlsCertificateSecret {
  readonly kind: 'certificate';
  /** PEM: the certificate first, then its chain. */
  readonly certificateChainPem: string;
  readonly privateKeyPem: string;
}

/** Trusted CAs to verify peers with (`ROOTCA`, `file-root:<path>`). */
export interface ValidationSecret {
  readonly kind: 'validation';
  /** PEM, one or more roots. */
  readonly trustedCaPem: string;
}

export type Secret = TlsCertificateSecret | ValidationSecret;

export interface SecretProvider {
  /** The secret's current value; undefined while it is not (yet) available. */
  get(name: string): Secret | undefined;
  /**
   * Calls `onChange` with every new value of `name` (a rotation, or the first value arriving).
   * Returns a function that stops watching.
   */
  watch(name: string, onChange: (secret: Secret | undefined) => void): () => void;
}

/** A provider with no secrets: every TLS context that needs one stays unavailable. */
export const NO_SECRETS: SecretProvider = Object.freeze({
  get: () => undefined,
  watch: () => () => undefined,
});
