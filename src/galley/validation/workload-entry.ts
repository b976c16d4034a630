// Semantic validation of WorkloadEntry, as Istio's validating webhook does it.
import type { Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkWorkloadEndpoint } from './common/index.js';

/**
 * Reports every semantic problem of a WorkloadEntry. Without its ServiceEntry the resolution is
 * unknown, so the address may be an IP, a DNS name or a unix:// path, and port names are not
 * matched against service ports.
 */
export function validateWorkloadEntry(resource: Resource<'WorkloadEntry'>, report: Reporter): void {
  checkWorkloadEndpoint(resource.spec, ['spec'], report, { address: 'ip-or-hostname' });
}
