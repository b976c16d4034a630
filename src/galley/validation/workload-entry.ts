// Semantic validation of WorkloadEntry, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a WorkloadEntry. */
export function validateWorkloadEntry(_resource: Resource<'WorkloadEntry'>, _report: Reporter): void {
  // Filled in by the WorkloadEntry validation work.
}
