// What the CA signs with: a certificate and its key, the chain up to the signing root, and any
// other roots that came with it.
import type { SigningKey } from './signing-key.js';

/** The signing certificate and everything a signed certificate's chain needs. */
export interface SigningAuthority {
  /** The certificate that signs workload certificates (the root itself, or an intermediate). */
  readonly certPem: string;
  readonly key: SigningKey;
  /** Certificates between a leaf and the signing root, the signing certificate first; `[]` when it is the root. */
  readonly intermediatesPem: readonly string[];
  /** The self-signed root the chain ends at. */
  readonly rootPem: string;
  /** Other roots that arrived with the authority (a plug-in `root-cert.pem` holding several). */
  readonly otherRootsPem: readonly string[];
  /** Where it came from: generated and kept in the CA directory, or a user's plug-in `cacerts`. */
  readonly source: 'self-signed' | 'plugin';
}
