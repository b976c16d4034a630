// Semantic validation of DestinationRule, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a DestinationRule. */
export function validateDestinationRule(_resource: Resource<'DestinationRule'>, _report: Reporter): void {
  // Filled in by the DestinationRule validation work.
}
