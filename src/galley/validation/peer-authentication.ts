// Semantic validation of PeerAuthentication, as Istio's validating webhook does it.
import type { FieldPath, Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkWorkloadSelector } from './common/index.js';

/**
 * Reports every semantic problem of a PeerAuthentication. The mTLS mode enum and the non-empty
 * `portLevelMtls` map are schema rules and are not repeated here.
 */
export function validatePeerAuthentication(resource: Resource<'PeerAuthentication'>, report: Reporter): void {
  const spec = resource.spec ?? {};
  checkWorkloadSelector(spec.selector, ['spec', 'selector'], report);

  const portLevel = spec.portLevelMtls;
  if (!portLevel || typeof portLevel !== 'object') return;
  const ports = Object.keys(portLevel);
  if (ports.length === 0) return; // the schema requires at least one entry

  const labels = spec.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) {
    report.error(
      ['spec', 'portLevelMtls'],
      'portLevelMtls needs a selector with matchLabels: port settings only apply to a workload policy, not a namespace or mesh-wide one',
    );
  }
  for (const port of ports) {
    const bad = checkPortKey(port);
    if (bad) report.error(portPath(port), bad);
  }
}

/** A reason a `portLevelMtls` key is not a workload port number, or undefined. */
function checkPortKey(key: string): string | undefined {
  if (!/^\d+$/.test(key)) return `port key "${key}" must be a port number between 1 and 65535`;
  const port = Number(key);
  if (port < 1 || port > 65535) return `port ${key} is out of range: use a port between 1 and 65535`;
  return undefined;
}

/** The path of a `portLevelMtls` entry; numeric keys print as `portLevelMtls[8080]`, as the schema does. */
function portPath(key: string): FieldPath {
  const asNumber = Number(key);
  return ['spec', 'portLevelMtls', /^\d+$/.test(key) && String(asNumber) === key ? asNumber : key];
}
