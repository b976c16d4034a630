// node:tls SecureContexts built from SDS secrets, one per (certificate, validation) pair, rebuilt
// when a watched secret changes: new connections get the new certificate, open ones carry on.
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { parsePeerCertificate } from './peer-certificate.js';
import type { Secret, SecretProvider, TlsCertificateSecret, ValidationSecret } from './secret-provider.js';

/** A usable context, or why there is none. */
export type ContextLookup =
  | {
      readonly ok: true;
      readonly context: tls.SecureContext;
      /** Changes whenever the context is rebuilt, so pools can key connections by it. */
      readonly key: string;
      /** Our own certificate's SPIFFE ID, when it has one. */
      readonly localPrincipal?: string;
    }
  | { readonly ok: false; readonly reason: string };

// Secret names may hold `:`, `~` and `/` (file-cert:<cert>~<key>), never a NUL.
const SEPARATOR = '\u0000';

type Usable = Extract<ContextLookup, { ok: true }>;

/** The SDS secret names a TLS config refers to. */
export interface SecretNames {
  readonly certificateSecret?: string;
  readonly validationSecret?: string;
}

export class SecureContextCache {
  private readonly contexts = new Map<string, Usable>();
  private readonly pairs = new WeakMap<SecretNames, string>();
  private readonly watches = new Map<string, () => void>();
  private generation = 0;

  constructor(private readonly secrets: SecretProvider) {}

  /**
   * The context for `names`: the certificate chain and key of `certificateSecret` and the
   * trusted CAs of `validationSecret`, either of which may be absent. Not ok, with a reason such
   * as `secret default not ready`, while a named secret is missing, of the wrong kind or unusable.
   * Both names are watched from the first lookup on; a change rebuilds the context lazily.
   */
  lookup(names: SecretNames): ContextLookup {
    // Callers pass the same config object on every request: its key is built once.
    let pair = this.pairs.get(names);
    if (pair === undefined) {
      pair = `${names.certificateSecret ?? ''}${SEPARATOR}${names.validationSecret ?? ''}`;
      this.pairs.set(names, pair);
    }
    const cached = this.contexts.get(pair);
    if (cached) return cached;
    this.watch(names.certificateSecret);
    this.watch(names.validationSecret);
    const cert = names.certificateSecret === undefined ? undefined : this.secrets.get(names.certificateSecret);
    const validation = names.validationSecret === undefined ? undefined : this.secrets.get(names.validationSecret);
    if (names.certificateSecret !== undefined && cert?.kind !== 'certificate') return notReady(names.certificateSecret, cert);
    if (names.validationSecret !== undefined && validation?.kind !== 'validation') return notReady(names.validationSecret, validation);
    return this.build(pair, cert?.kind === 'certificate' ? cert : undefined, validation?.kind === 'validation' ? validation : undefined, names);
  }

  private build(pair: string, cert: TlsCertificateSecret | undefined, validation: ValidationSecret | undefined, names: SecretNames): ContextLookup {
    try {
      const context = tls.createSecureContext({
        ...(cert ? { cert: cert.certificateChainPem, key: cert.privateKeyPem } : {}),
        ...(validation ? { ca: validation.trustedCaPem } : {}),
      });
      const localPrincipal = cert ? parsePeerCertificate(new X509Certificate(cert.certificateChainPem)).principal : undefined;
      const usable: Usable = { ok: true, context, key: `${pair}#${++this.generation}`, ...(localPrincipal ? { localPrincipal } : {}) };
      this.contexts.set(pair, usable);
      return usable;
    } catch (err) {
      const name = names.certificateSecret ?? names.validationSecret ?? '';
      return { ok: false, reason: `secret ${name} unusable: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Stops watching every secret and forgets every context. */
  close(): void {
    for (const stop of this.watches.values()) stop();
    this.watches.clear();
    this.contexts.clear();
  }

  private watch(name: string | undefined): void {
    if (name === undefined || this.watches.has(name)) return;
    this.watches.set(name, this.secrets.watch(name, () => this.invalidate(name)));
  }

  private invalidate(name: string): void {
    for (const pair of [...this.contexts.keys()]) {
      const [cert, validation] = pair.split(SEPARATOR);
      if (cert === name || validation === name) this.contexts.delete(pair);
    }
  }
}

function notReady(name: string, found: Secret | undefined): ContextLookup {
  return { ok: false, reason: found ? `secret ${name} is not a ${found.kind === 'certificate' ? 'validation context' : 'certificate'}` : `secret ${name} not ready` };
}
