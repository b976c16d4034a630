// Semantic validation of PeerAuthentication, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a PeerAuthentication. */
export function validatePeerAuthentication(_resource: Resource<'PeerAuthentication'>, _report: Reporter): void {
  // Filled in by the PeerAuthentication validation work.
}
