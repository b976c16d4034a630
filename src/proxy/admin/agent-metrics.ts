// The agent's own metrics, under Istio's names, for the merged exposition on 15020: how long the
// workload certificate has left, and how often the merged metrics were scraped.
import { X509Certificate } from 'node:crypto';
import { Counter, Gauge, Registry } from 'prom-client';
import type { SecretProvider } from '../tls/secret-provider.js';

/** The SDS name of the workload certificate, which Istio's agent reports as `resource_name`. */
const WORKLOAD_CERTIFICATE = 'default';

export interface AgentMetricsOptions {
  /** Where the workload certificate is read from (`default`); the proxy's secret provider. */
  readonly secrets: SecretProvider;
  /** The clock, in epoch ms; `Date.now` by default. */
  readonly now?: () => number;
}

export interface AgentMetrics {
  /** Counts one scrape and returns the agent's metrics in Prometheus text format. */
  scrape(): Promise<string>;
  /** Counts a scrape whose `type` part (`application`) could not be read. */
  scrapeFailed(type: 'application'): void;
}

/** The expiry (epoch ms) of the first certificate in `pem`; undefined when it does not parse. */
function expiryOf(pem: string): number | undefined {
  try {
    return new Date(new X509Certificate(pem).validTo).getTime();
  } catch {
    return undefined;
  }
}

/**
 * Creates the agent's metrics in a registry of their own:
 * - `istio_agent_cert_expiry_seconds{resource_name="default"}`: seconds until the workload
 *   certificate expires, negative once it has (also after the agent stops serving an expired
 *   one); no sample before the workload's first certificate;
 * - `istio_agent_scrapes_total`: merged-metrics scrapes served, this one included;
 * - `istio_agent_scrape_failures_total{type="application"}`: scrapes whose app metrics could not be read.
 */
export function createAgentMetrics(options: AgentMetricsOptions): AgentMetrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  // A rotation replaces the PEM string, so parsing once per PEM is enough.
  let parsed: { pem: string; expiry: number | undefined } | undefined;
  // The agent stops serving a certificate once it has expired; the last one seen keeps its sample
  // (going negative), which is exactly when an alert on it has to fire.
  const expiry = (): number | undefined => {
    const secret = options.secrets.get(WORKLOAD_CERTIFICATE);
    if (secret?.kind === 'certificate' && parsed?.pem !== secret.certificateChainPem) {
      parsed = { pem: secret.certificateChainPem, expiry: expiryOf(secret.certificateChainPem) };
    }
    return parsed?.expiry;
  };
  const certExpiry = new Gauge({
    name: 'istio_agent_cert_expiry_seconds',
    help: 'The time remaining, in seconds, before the certificate chain will expire. A negative value indicates the cert is expired.',
    labelNames: ['resource_name'],
    registers: [registry],
    collect() {
      certExpiry.reset();
      const at = expiry();
      if (at !== undefined) certExpiry.set({ resource_name: WORKLOAD_CERTIFICATE }, (at - now()) / 1000);
    },
  });
  const scrapes = new Counter({ name: 'istio_agent_scrapes_total', help: 'The total number of scrapes.', registers: [registry] });
  const failures = new Counter({ name: 'istio_agent_scrape_failures_total', help: 'The total number of failed scrapes.', labelNames: ['type'], registers: [registry] });
  return {
    scrape() {
      scrapes.inc();
      return registry.metrics();
    },
    scrapeFailed: (type) => failures.inc({ type }),
  };
}
