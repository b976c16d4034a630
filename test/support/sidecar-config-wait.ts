// Waits, for e2e tests, until a sidecar serves a given config: its admin /config_dump names a route.
import { eventually } from './mesh-config.js';

/**
 * Resolves once the sidecar whose admin port is `adminPort` holds a route named `routeName` (an
 * Istio HTTPRoute `name`, which Pilot copies to the Envoy route), so a test can tell a step's
 * VirtualService is live before sending traffic.
 */
export async function waitForRouteName(adminPort: number, routeName: string, ms = 15_000): Promise<void> {
  const needle = `"name":"${routeName}"`;
  await eventually(async () => {
    const res = await fetch(`http://127.0.0.1:${adminPort}/config_dump`, { signal: AbortSignal.timeout(5000) });
    return (await res.text()).replaceAll(/":\s+/g, '":').includes(needle);
  }, ms, `route ${routeName} on the sidecar with admin port ${adminPort}`);
}

/** The /clusters text of the sidecar with admin port `adminPort`. */
export async function adminClusters(adminPort: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/clusters`, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

/** The Prometheus text of a sidecar's stats port. */
export async function prometheusText(statsPort: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${statsPort}/stats/prometheus`, { signal: AbortSignal.timeout(5000) });
  return res.text();
}
