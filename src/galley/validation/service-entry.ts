// Semantic validation of ServiceEntry, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a ServiceEntry. */
export function validateServiceEntry(_resource: Resource<'ServiceEntry'>, _report: Reporter): void {
  // Filled in by the ServiceEntry validation work.
}
