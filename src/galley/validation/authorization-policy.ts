// Semantic validation of AuthorizationPolicy, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';

/** Reports every semantic problem of a AuthorizationPolicy. */
export function validateAuthorizationPolicy(_resource: Resource<'AuthorizationPolicy'>, _report: Reporter): void {
  // Filled in by the AuthorizationPolicy validation work.
}
