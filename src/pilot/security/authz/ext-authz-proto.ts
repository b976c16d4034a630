// The ext_authz filter's message type, loaded into the shared xDS root on first use: the project's
// proto list (src/xds/proto-files.json) does not name it yet, so there is no generated type either.
import { xdsRoot } from '../../../xds/index.js';
import type { HttpUri } from '../../../xds/generated/envoy/config/core/v3/HttpUri.js';
import type { ListStringMatcher } from '../../../xds/generated/envoy/type/matcher/v3/ListStringMatcher.js';
import type { MetadataMatcher } from '../../../xds/generated/envoy/type/matcher/v3/MetadataMatcher.js';

export const EXT_AUTHZ_TYPE = 'envoy.extensions.filters.http.ext_authz.v3.ExtAuthz';
const EXT_AUTHZ_PROTO = 'envoy/extensions/filters/http/ext_authz/v3/ext_authz.proto';

/** The fields of Envoy's ExtAuthz (HTTP service) that Pilot sets; names as in the proto. */
export interface ExtAuthzHttpConfig {
  http_service: {
    server_uri: HttpUri;
    path_prefix?: string;
    authorization_response?: {
      allowed_upstream_headers?: ListStringMatcher;
      allowed_client_headers?: ListStringMatcher;
    };
  };
  transport_api_version: 'V3';
  failure_mode_allow: boolean;
  status_on_error: { code: number };
  filter_enabled_metadata?: MetadataMatcher;
  allowed_headers?: ListStringMatcher;
}

let loaded = false;

/** Makes sure the ExtAuthz message is in the xDS root, so that packAny can encode it. Idempotent. */
export function ensureExtAuthzType(): void {
  if (loaded) return;
  const root = xdsRoot();
  if (!root.lookup(EXT_AUTHZ_TYPE)) {
    root.loadSync(EXT_AUTHZ_PROTO, { keepCase: true });
    root.resolveAll();
  }
  loaded = true;
}
