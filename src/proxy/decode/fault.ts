// Envoy's HTTPFault (per-route config of the fault filter) as the runtime FaultPolicy.
import type { HTTPFault__Output } from '../../xds/generated/envoy/extensions/filters/http/fault/v3/HTTPFault.js';
import type { FaultPolicy } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs } from './duration.js';
import { percentPpm } from './percent.js';

/**
 * A fixed delay and/or an abort (HTTP or gRPC status), each with its percentage (0 when unset).
 * Header-controlled faults, fault headers matchers and rate limits are errors.
 */
export function decodeHttpFault(m: HTTPFault__Output, errors: DecodeErrors, path: string): FaultPolicy | undefined {
  let delay: FaultPolicy['delay'];
  let abort: FaultPolicy['abort'];
  if (m.delay) {
    if (m.delay.fault_delay_secifier === 'fixed_delay') {
      delay = { fixedDelayMs: durationMs(m.delay.fixed_delay, 0), percentagePpm: percentPpm(m.delay.percentage, 0, errors, `${path}.delay.percentage`) };
    } else {
      errors.add(`${path}.delay`, 'only fixed_delay is supported');
    }
  }
  if (m.abort) {
    const percentagePpm = percentPpm(m.abort.percentage, 0, errors, `${path}.abort.percentage`);
    if (m.abort.error_type === 'http_status' && m.abort.http_status !== undefined) {
      if (m.abort.http_status < 200 || m.abort.http_status > 599) errors.add(`${path}.abort.http_status`, 'must be within 200..599');
      abort = { httpStatus: m.abort.http_status, percentagePpm };
    } else if (m.abort.error_type === 'grpc_status' && m.abort.grpc_status !== undefined) {
      abort = { grpcStatus: m.abort.grpc_status, percentagePpm };
    } else {
      errors.add(`${path}.abort`, 'only http_status and grpc_status aborts are supported');
    }
  }
  if (m.headers.length > 0) errors.add(`${path}.headers`, 'not supported');
  if (m.response_rate_limit) errors.add(`${path}.response_rate_limit`, 'not supported');
  if (!delay && !abort) return undefined;
  return { ...(delay ? { delay } : {}), ...(abort ? { abort } : {}) };
}
