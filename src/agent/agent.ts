// The sidecar's agent: the workload's identity and the secrets its proxy reads through SDS.
import type { Logger } from '../log/index.js';
import type { SecretProvider } from '../proxy/tls/secret-provider.js';
import type { CertificateAuthorityClient } from '../security/ca-client.js';
import type { WorkloadIdentity } from '../security/identity.js';
import { createAgentSecretProvider } from './agent-secret-provider.js';
import type { AgentTimers, Random } from './agent-timers.js';
import { createFileSecrets } from './file-secrets.js';
import { createIdentityManager, type IdentityManager, type IdentityStatus } from './identity-manager.js';

export const AGENT_DEFAULTS = {
  /** Istio's workload certificate lifetime. */
  certTtlMs: 24 * 3_600_000,
} as const;

export interface AgentOptions {
  readonly identity: WorkloadIdentity;
  /**
   * The CA to get the workload's certificate from; the agent closes it. Without one the workload
   * has no identity: `default` and `ROOTCA` stay undefined, and file secrets still work.
   */
  readonly ca?: CertificateAuthorityClient;
  readonly certTtlMs?: number;
  readonly log: Logger;
  readonly timers?: AgentTimers;
  readonly random?: Random;
  /** How often file secrets are re-read. */
  readonly filePollIntervalMs?: number;
}

export interface Agent {
  /** What the proxy reads its certificates from (SidecarOptions.secrets). */
  readonly secrets: SecretProvider;
  /** Starts requesting the workload's certificate. */
  start(): void;
  /**
   * Resolves once the first certificate request after `start()` has been answered, whether with a
   * certificate or a refusal (later retries are not waited for); at once without an identity.
   */
  firstAttempt(): Promise<void>;
  /** The certificate's state for admin; undefined when the workload has no identity. */
  status(): IdentityStatus | undefined;
  /** Stops rotation and file polling, and closes the CA client. */
  close(): void;
}

/** Creates the agent; call `start()` to request the first certificate. */
export function createAgent(options: AgentOptions): Agent {
  const { log } = options;
  const timers = options.timers ? { timers: options.timers } : {};
  const files = createFileSecrets({ log: log.child({ component: 'file-secrets' }), ...timers, ...(options.filePollIntervalMs ? { pollIntervalMs: options.filePollIntervalMs } : {}) });
  const identity: IdentityManager | undefined = options.ca
    ? createIdentityManager({
        identity: options.identity,
        ca: options.ca,
        certTtlMs: options.certTtlMs ?? AGENT_DEFAULTS.certTtlMs,
        log: log.child({ component: 'identity' }),
        ...timers,
        ...(options.random ? { random: options.random } : {}),
      })
    : undefined;
  const secrets = createAgentSecretProvider({ files, ...(identity ? { identity } : {}) });
  return {
    secrets,
    start() {
      if (!identity) {
        log.warn('no CA token (--token-file or HEDDLE_TOKEN_FILE): this workload has no identity, so mTLS is unavailable and peers that require it will refuse this workload');
        return;
      }
      identity.start();
    },
    firstAttempt: () => identity?.settled() ?? Promise.resolve(),
    status: () => identity?.status(),
    close() {
      identity?.stop();
      files.close();
      options.ca?.close();
    },
  };
}
