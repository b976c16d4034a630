// Envoy's ext_authz filter config (HTTP service mode) as the runtime ExtAuthzConfig.
// src/xds's proto list does not name ExtAuthz yet, so there is no generated type: the shape below
// names only the fields this decoder reads, as protobufjs decodes them, and the message is loaded
// into the shared xDS root on first use.
import { xdsRoot } from '../../xds/protos.js';
import type { Duration__Output } from '../../xds/generated/google/protobuf/Duration.js';
import type { MetadataMatcher__Output } from '../../xds/generated/envoy/type/matcher/v3/MetadataMatcher.js';
import type { StringMatcher__Output } from '../../xds/generated/envoy/type/matcher/v3/StringMatcher.js';
import type { ExtAuthzConfig } from '../config/policy.js';
import type { StringMatch } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { durationMs } from './duration.js';
import { decodeMetadataMatcher } from './rbac-rules.js';
import { decodeStringMatcher } from './string-matcher.js';

interface ListStringMatcher {
  readonly patterns: readonly StringMatcher__Output[];
}

/** The fields of envoy.extensions.filters.http.ext_authz.v3.ExtAuthz that the sidecar reads. */
export interface ExtAuthzMessage {
  readonly http_service?: {
    readonly server_uri?: { readonly uri: string; readonly cluster?: string; readonly timeout: Duration__Output | null } | null;
    readonly path_prefix: string;
    readonly authorization_request?: {
      readonly allowed_headers?: ListStringMatcher | null;
      readonly headers_to_add: readonly { readonly key: string; readonly value: string }[];
    } | null;
    readonly authorization_response?: {
      readonly allowed_upstream_headers?: ListStringMatcher | null;
      readonly allowed_client_headers?: ListStringMatcher | null;
    } | null;
  } | null;
  readonly grpc_service?: unknown;
  readonly failure_mode_allow: boolean;
  readonly status_on_error?: { readonly code: string | number } | null;
  readonly with_request_body?: unknown;
  readonly filter_enabled?: unknown;
  readonly filter_enabled_metadata?: MetadataMatcher__Output | null;
  /** The newer, top-level place for the request headers sent in the check. */
  readonly allowed_headers?: ListStringMatcher | null;
  readonly deny_at_disable?: unknown;
}

/** The ExtAuthz message's full name. */
export const EXT_AUTHZ_TYPE_NAME = 'envoy.extensions.filters.http.ext_authz.v3.ExtAuthz';

let extAuthzLoaded = false;

/** Loads the ExtAuthz message into the xDS root if the proto list did not; idempotent. */
export function ensureExtAuthzType(): void {
  if (extAuthzLoaded) return;
  const root = xdsRoot();
  if (!root.lookup(EXT_AUTHZ_TYPE_NAME)) {
    root.loadSync('envoy/extensions/filters/http/ext_authz/v3/ext_authz.proto', { keepCase: true });
    root.resolveAll();
  }
  extAuthzLoaded = true;
}

/** Envoy's StatusCode enum names for the statuses a status_on_error is likely to carry. */
const STATUS_NAMES: Readonly<Record<string, number>> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  TooManyRequests: 429,
  InternalServerError: 500,
  BadGateway: 502,
  ServiceUnavailable: 503,
  GatewayTimeout: 504,
};

function patterns(list: ListStringMatcher | null | undefined, errors: DecodeErrors, path: string): StringMatch[] {
  return (list?.patterns ?? []).map((p, i) => decodeStringMatcher(p, errors, `${path}.patterns[${i}]`)).filter((m): m is StringMatch => m !== undefined);
}

/** An ExtAuthz in HTTP service mode; gRPC mode, request bodies and runtime-fraction enabling are refused. */
export function decodeExtAuthz(m: ExtAuthzMessage, errors: DecodeErrors, path: string): ExtAuthzConfig | undefined {
  for (const field of ['grpc_service', 'with_request_body', 'filter_enabled', 'deny_at_disable'] as const) {
    if (m[field]) errors.add(`${path}.${field}`, 'not supported (HTTP service mode only)');
  }
  const service = m.http_service;
  const uri = service?.server_uri;
  if (!service || !uri) {
    errors.add(`${path}.http_service.server_uri`, 'an HTTP service with a server_uri is required');
    return undefined;
  }
  const at = `${path}.http_service`;
  if (!uri.cluster) errors.add(`${at}.server_uri.cluster`, 'cluster is required');
  let authority = '';
  try {
    authority = new URL(uri.uri).host;
  } catch {
    errors.add(`${at}.server_uri.uri`, `invalid URI ${JSON.stringify(uri.uri)}`);
  }
  const timeoutMs = durationMs(uri.timeout);
  if (timeoutMs === undefined) errors.add(`${at}.server_uri.timeout`, 'timeout is required');
  let statusOnError = 403;
  const code = m.status_on_error?.code;
  if (typeof code === 'number' && code >= 200 && code < 600) statusOnError = code;
  else if (typeof code === 'string' && STATUS_NAMES[code] !== undefined) statusOnError = STATUS_NAMES[code]!;
  else if (code !== undefined && code !== 'Empty' && code !== 0) errors.add(`${path}.status_on_error.code`, `unsupported status ${String(code)}`);
  const request = service.authorization_request;
  const response = service.authorization_response;
  const enabledMetadata = m.filter_enabled_metadata ? decodeMetadataMatcher(m.filter_enabled_metadata, errors, `${path}.filter_enabled_metadata`) : undefined;
  const allowedHeaders = [
    ...patterns(m.allowed_headers, errors, `${path}.allowed_headers`),
    ...patterns(request?.allowed_headers, errors, `${at}.authorization_request.allowed_headers`),
  ];
  return {
    cluster: uri.cluster ?? '',
    authority,
    pathPrefix: service.path_prefix,
    timeoutMs: timeoutMs ?? 0,
    failureModeAllow: m.failure_mode_allow,
    statusOnError,
    allowedHeaders,
    headersToAdd: (request?.headers_to_add ?? []).map((h) => ({ name: h.key.toLowerCase(), value: h.value })),
    allowedUpstreamHeaders: patterns(response?.allowed_upstream_headers, errors, `${at}.authorization_response.allowed_upstream_headers`),
    allowedClientHeaders: patterns(response?.allowed_client_headers, errors, `${at}.authorization_response.allowed_client_headers`),
    ...(enabledMetadata ? { enabledMetadata } : {}),
  };
}
