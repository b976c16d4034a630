// Semantic validation of RequestAuthentication, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a RequestAuthentication. */
export function validateRequestAuthentication(_resource: Resource<'RequestAuthentication'>, _report: Reporter): void {
  // Filled in by the RequestAuthentication validation work.
}
