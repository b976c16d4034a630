// Semantic validation of Sidecar, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a Sidecar. */
export function validateSidecar(_resource: Resource<'Sidecar'>, _report: Reporter): void {
  // Filled in by the Sidecar validation work.
}
