// The ADS server's metrics, under Istio's names so that Istio dashboards read them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { shortTypeName } from '../../xds/index.js';
import type { Proxy } from '../model/proxy.js';

/** What the server reports. Every method is cheap and never throws. */
export interface XdsMetrics {
  /** A proxy connected (+1) or went away (-1). */
  connection(proxy: Proxy, delta: 1 | -1): void;
  /** A response of `typeUrl` was built and sent in `seconds`. */
  pushed(typeUrl: string, seconds: number): void;
  /** A proxy NACKed a response of `typeUrl`. */
  rejected(typeUrl: string): void;
  /** A request arrived with a nonce other than the last one sent. */
  expiredNonce(typeUrl: string): void;
  /** A queued push finished for one connection, `seconds` after the change behind it. */
  converged(seconds: number): void;
  /** A push was triggered for `reason` (config, endpoints, services…). */
  triggered(reason: string): void;
}

/** Istio's `type` label: `cds`, `eds`, `lds`, `rds`, `sds`, or the type URL for others. */
function typeLabel(typeUrl: string): string {
  const short = shortTypeName(typeUrl);
  return short === typeUrl ? typeUrl : short.toLowerCase();
}

/** The proxy's version label: Istio's ISTIO_VERSION node metadata, when the proxy sends it. */
function versionLabel(proxy: Proxy): string {
  const v = proxy.metadata['ISTIO_VERSION'];
  return typeof v === 'string' && v !== '' ? v : 'unknown';
}

/** Registers the metrics on `registry` (a private one when absent, as in tests). */
export function createXdsMetrics(registry: Registry = new Registry()): XdsMetrics {
  const registers = [registry];
  const connected = new Gauge({ name: 'pilot_xds', help: 'Number of endpoints connected to this pilot using XDS.', labelNames: ['version'], registers });
  const pushes = new Counter({ name: 'pilot_xds_pushes', help: 'xDS responses sent, by type (cds, eds, lds, rds, sds).', labelNames: ['type'], registers });
  const rejects = new Counter({ name: 'pilot_total_xds_rejects', help: 'Total number of XDS responses from pilot rejected by proxy.', labelNames: ['type'], registers });
  const expired = new Counter({ name: 'pilot_xds_expired_nonce', help: 'Total number of XDS requests with an expired nonce.', labelNames: ['type'], registers });
  const triggers = new Counter({ name: 'pilot_push_triggers', help: 'Total number of times a push was triggered, labeled by reason for the push.', labelNames: ['type'], registers });
  const convergence = new Histogram({
    name: 'pilot_proxy_convergence_time',
    help: 'Delay in seconds between config change and a proxy receiving all required configuration.',
    buckets: [0.1, 0.5, 1, 3, 5, 10, 20, 30],
    registers,
  });
  const pushTime = new Histogram({
    name: 'pilot_xds_push_time',
    help: 'Total time in seconds Pilot takes to push lds, rds, cds and eds.',
    labelNames: ['type'],
    buckets: [0.01, 0.1, 1, 3, 5, 10, 20, 30],
    registers,
  });
  return {
    connection: (proxy, delta) => connected.inc({ version: versionLabel(proxy) }, delta),
    pushed: (typeUrl, seconds) => {
      pushes.inc({ type: typeLabel(typeUrl) });
      pushTime.observe({ type: typeLabel(typeUrl) }, seconds);
    },
    rejected: (typeUrl) => rejects.inc({ type: typeLabel(typeUrl) }),
    expiredNonce: (typeUrl) => expired.inc({ type: typeLabel(typeUrl) }),
    converged: (seconds) => convergence.observe(seconds),
    triggered: (reason) => triggers.inc({ type: reason }),
  };
}
