// Semantic validation of Gateway, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a Gateway. */
export function validateGateway(_resource: Resource<'Gateway'>, _report: Reporter): void {
  // Filled in by the Gateway validation work.
}
