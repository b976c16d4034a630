// The secrets the agent serves its proxy by SDS name: the workload's own certificate (`default`)
// and trust bundle (`ROOTCA`) from the identity manager, and file secrets from disk.
import type { Secret, SecretProvider } from '../proxy/tls/secret-provider.js';
import { SDS_DEFAULT, SDS_ROOTCA } from '../xds/resource-names.js';
import type { FileSecrets } from './file-secrets.js';
import type { IdentityManager } from './identity-manager.js';
import type { WorkloadCertificate } from './workload-certificate.js';

export interface AgentSecretProviderOptions {
  /** The workload's identity; without one, `default` and `ROOTCA` stay undefined. */
  readonly identity?: IdentityManager;
  readonly files: FileSecrets;
}

/**
 * Creates the provider. `default` is the certificate chain (leaf, then intermediates) with its
 * key, and its watchers are called on every rotation and on expiry; `ROOTCA` is every root of
 * the trust bundle, and its watchers are called when the bundle changes. `file-cert:` and
 * `file-root:` names come from {@link FileSecrets}; other names are undefined.
 */
export function createAgentSecretProvider(options: AgentSecretProviderOptions): SecretProvider {
  const { identity, files } = options;
  // One Secret object per certificate, so a proxy comparing values by identity sees no spurious change.
  const derived = new WeakMap<WorkloadCertificate, { certificate: Secret; validation: Secret }>();
  const secretsOf = (cert: WorkloadCertificate) => {
    let secrets = derived.get(cert);
    if (!secrets) {
      secrets = {
        certificate: { kind: 'certificate', certificateChainPem: cert.certificateChainPem, privateKeyPem: cert.privateKeyPem },
        validation: { kind: 'validation', trustedCaPem: cert.trustBundlePem.join('') },
      };
      derived.set(cert, secrets);
    }
    return secrets;
  };
  const identitySecret = (name: string, cert: WorkloadCertificate | undefined): Secret | undefined => {
    if (!cert) return undefined;
    return name === SDS_DEFAULT ? secretsOf(cert).certificate : secretsOf(cert).validation;
  };

  return {
    get(name) {
      if (name === SDS_DEFAULT || name === SDS_ROOTCA) return identitySecret(name, identity?.current());
      return files.get(name);
    },
    watch(name, onChange) {
      if (name !== SDS_DEFAULT && name !== SDS_ROOTCA) return files.watch(name, onChange);
      if (!identity) return () => undefined;
      let last = identitySecret(name, identity.current());
      return identity.onChange((cert) => {
        const next = identitySecret(name, cert);
        if (name === SDS_ROOTCA && last?.kind === 'validation' && next?.kind === 'validation' && last.trustedCaPem === next.trustedCaPem) return;
        last = next;
        onChange(next);
      });
    },
  };
}
