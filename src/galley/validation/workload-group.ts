// Semantic validation of WorkloadGroup, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a WorkloadGroup. */
export function validateWorkloadGroup(_resource: Resource<'WorkloadGroup'>, _report: Reporter): void {
  // Filled in by the WorkloadGroup validation work.
}
