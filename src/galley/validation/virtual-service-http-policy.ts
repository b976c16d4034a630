// VirtualService HTTP rule policies: retries, fault injection and CORS.
import type { FieldPath, VirtualServiceSpec } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkDuration, checkHttpStatus, checkPercentage, parseDuration } from './common/index.js';
import { checkMillisecondDuration } from './common/duration-precision.js';
import { validateRegex } from './virtual-service-match.js';

type HttpRoute = NonNullable<VirtualServiceSpec['http']>[number];
type Retries = NonNullable<HttpRoute['retries']>;
type Fault = NonNullable<HttpRoute['fault']>;
type CorsPolicy = NonNullable<HttpRoute['corsPolicy']>;

/** The conditions Envoy can retry on (`x-envoy-retry-on` and `x-envoy-retry-grpc-on`). */
const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

/** The gRPC status names a fault may abort with. */
const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);
const CORS_HEADER_NAME = /^[-_A-Za-z0-9]+$/;

function reportDuration(value: unknown, path: FieldPath, report: Reporter): void {
  if (typeof value !== 'string') return;
  const bad = checkMillisecondDuration(value);
  if (bad) report.error(path, bad);
}

/** Reports problems of a retry policy at `path` (`spec.http[0].retries`). */
export function validateRetries(retries: Retries, path: FieldPath, report: Reporter): void {
  const attempts = retries.attempts ?? 0;
  if (typeof attempts === 'number' && attempts < 0) report.error([...path, 'attempts'], `attempts must not be negative, got ${attempts}`);
  if (attempts === 0 && (retries.perTryTimeout !== undefined || retries.retryOn || retries.retryRemoteLocalities !== undefined)) {
    report.error([...path, 'attempts'], 'attempts is 0 (or unset), which disables retries, yet other retry settings are given: set attempts to 1 or more');
  }
  reportDuration(retries.perTryTimeout, [...path, 'perTryTimeout'], report);
  reportDuration((retries as { backoff?: unknown }).backoff, [...path, 'backoff'], report);
  if (typeof retries.retryOn === 'string' && retries.retryOn !== '') {
    for (const policy of retries.retryOn.split(',')) {
      if (RETRY_ON.has(policy) || isRetriableStatus(policy)) continue;
      const hint = RETRY_ON.has(policy.trim()) ? ' (remove the spaces around it)' : '';
      report.error([...path, 'retryOn'], `"${policy}" is not a retry condition${hint}: use Envoy's conditions, such as 5xx, connect-failure, reset or unavailable, or an HTTP status code`);
    }
  }
}

function isWholeSeconds(ms: number): boolean {
  return Math.abs(ms / 1000 - Math.round(ms / 1000)) < 1e-9;
}

function isRetriableStatus(policy: string): boolean {
  return /^[1-5]\d\d$/.test(policy);
}

function validateFaultPercentage(value: unknown, path: FieldPath, report: Reporter): void {
  if (value === undefined) return;
  const bad = checkPercentage(value);
  if (bad) report.error(path, bad);
  else if ((value as number) > 0 && (value as number) < 0.0001) report.error(path, 'percentage must be 0 or at least 0.0001');
}

/** Reports problems of a fault injection at `path` (`spec.http[0].fault`). */
export function validateFault(fault: Fault, path: FieldPath, report: Reporter): void {
  const { abort, delay } = fault;
  if (!abort && !delay) report.error(path, 'fault needs an abort, a delay, or both');
  if (abort) {
    const at = [...path, 'abort'];
    validateFaultPercentage(abort.percentage?.value, [...at, 'percentage', 'value'], report);
    if (abort.httpStatus !== undefined) {
      const bad = checkHttpStatus(abort.httpStatus);
      if (bad) report.error([...at, 'httpStatus'], bad);
    } else if (abort.grpcStatus !== undefined) {
      if (!GRPC_STATUS.has(abort.grpcStatus)) {
        report.error([...at, 'grpcStatus'], `"${abort.grpcStatus}" is not a gRPC status: use a name such as UNAVAILABLE or NOT_FOUND`);
      }
    } else if (abort.http2Error !== undefined) {
      report.error([...at, 'http2Error'], 'aborting with an HTTP/2 error is not supported: use httpStatus or grpcStatus');
    } else {
      report.error(at, 'abort needs httpStatus or grpcStatus');
    }
  }
  if (delay) {
    const at = [...path, 'delay'];
    validateFaultPercentage(delay.percentage?.value, [...at, 'percentage', 'value'], report);
    if (delay.percent !== undefined) {
      validateFaultPercentage(delay.percent, [...at, 'percent'], report);
      report.warning([...at, 'percent'], 'percent is deprecated: use percentage.value');
    }
    if (delay.fixedDelay !== undefined) reportDuration(delay.fixedDelay, [...at, 'fixedDelay'], report);
    else if (delay.exponentialDelay !== undefined) {
      report.error([...at, 'exponentialDelay'], 'exponentialDelay is not supported: use fixedDelay');
    } else {
      report.error(at, 'delay needs fixedDelay');
    }
  }
}

/** Reports problems of a CORS policy at `path` (`spec.http[0].corsPolicy`). */
export function validateCorsPolicy(cors: CorsPolicy, path: FieldPath, report: Reporter): void {
  (cors.allowOrigins ?? []).forEach((origin, i) => {
    if (!origin || typeof origin !== 'object') return;
    const at = [...path, 'allowOrigins', i];
    const value = origin.exact ?? origin.prefix ?? origin.regex;
    if (!value) report.error(at, 'an allowed origin needs a non-empty exact, prefix or regex');
    else if (origin.regex !== undefined) validateRegex(origin.regex, [...at, 'regex'], report);
  });
  if (cors.allowOrigin !== undefined) report.warning([...path, 'allowOrigin'], 'allowOrigin is deprecated: use allowOrigins');
  (cors.allowMethods ?? []).forEach((method, i) => {
    if (typeof method === 'string' && !HTTP_METHODS.has(method)) {
      report.error([...path, 'allowMethods', i], `"${method}" is not an HTTP method: use ${[...HTTP_METHODS].join(', ')}`);
    }
  });
  for (const field of ['allowHeaders', 'exposeHeaders'] as const) {
    (cors[field] ?? []).forEach((name, i) => {
      if (typeof name !== 'string' || name === '*' || CORS_HEADER_NAME.test(name)) return;
      report.error([...path, field, i], name === '' ? 'header name must not be empty' : `"${name}" is not a valid header name: use letters, digits, '-' and '_', or "*"`);
    });
  }
  if (typeof cors.maxAge === 'string') {
    const bad = checkDuration(cors.maxAge);
    if (bad) report.error([...path, 'maxAge'], bad);
    else if (!isWholeSeconds(parseDuration(cors.maxAge) ?? 0)) report.error([...path, 'maxAge'], `maxAge is sent in whole seconds: use a value such as "24h" or "86400s", not "${cors.maxAge}"`);
  }
}
