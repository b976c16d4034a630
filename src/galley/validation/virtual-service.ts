// Semantic validation of VirtualService, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a VirtualService. */
export function validateVirtualService(_resource: Resource<'VirtualService'>, _report: Reporter): void {
  // Filled in by the VirtualService validation work.
}
