// Envoy's ext_authz HTTP filter in HTTP service mode: asks the authorization service about each
// request; 200 allows (copying allowed headers upstream), anything else denies with its answer.
import type { ExtAuthzConfig } from '../../config/policy.js';
import type { StringMatch } from '../../config/route.js';
import { HeaderMap } from '../../http/headers.js';
import type { Clock, RouterClusters } from '../../hcm/ports.js';
import { createStringMatcher } from '../../router/string-matcher.js';
import { RESPONSE_FLAGS } from '../../telemetry/response-flags.js';
import { countFilterStat } from '../filter-stats.js';
import { createMetadataMatcher } from '../rbac/rbac-matchers.js';
import { CONTINUE, type HttpPolicyFilter, type PolicyVerdict } from '../policy-filter.js';
import { buildCheckRequest, sendCheck } from './ext-authz-check.js';

/** Headers that describe the check response's own framing; never copied to the client reply. */
const FRAMING = new Set(['content-length', 'content-type', 'transfer-encoding', 'connection', 'host', 'keep-alive']);

function anyOf(matches: readonly StringMatch[]): (name: string) => boolean {
  const tests = matches.map(createStringMatcher);
  return (name) => tests.some((t) => t(name));
}

/**
 * The ext_authz filter named `name`. A check that cannot be made (no cluster or host, timeout,
 * upstream failure) denies with status_on_error (403) and flag UAEX, unless failure_mode_allow
 * lets the request through. Envoy's rule: only a 200 check response allows. Counters:
 * `http.<hcm>.ext_authz.ok|denied|error|failure_mode_allowed`. With filter_enabled_metadata only
 * requests whose dynamic metadata matches are checked (Istio's CUSTOM action marks them with a
 * shadow RBAC filter that runs first); the others pass unchecked.
 */
export function createExtAuthzFilter(name: string, config: ExtAuthzConfig, deps: { clusters: RouterClusters; clock: Clock; hcmStatPrefix: string }): HttpPolicyFilter {
  const allowedHeader = anyOf(config.allowedHeaders);
  const upstreamHeader = anyOf(config.allowedUpstreamHeaders);
  const clientHeader = config.allowedClientHeaders.length === 0 ? () => true : anyOf(config.allowedClientHeaders);
  const prefix = deps.hcmStatPrefix;
  const statRoot = `http.${prefix}${prefix.endsWith('.') ? '' : '.'}ext_authz.`;
  const enabled = config.enabledMetadata ? createMetadataMatcher(config.enabledMetadata) : undefined;
  return {
    name,
    async decodeHeaders(request): Promise<PolicyVerdict> {
      if (enabled && !enabled(request.metadata)) return CONTINUE;
      const check = buildCheckRequest(config, request.head, allowedHeader);
      const result = await sendCheck(config, check, { clusters: deps.clusters, clock: deps.clock, sourceAddress: request.connection.remoteAddress, signal: request.signal });
      if (!result.ok) {
        if (result.error === 'cancelled') return CONTINUE;
        if (config.failureModeAllow) {
          countFilterStat(`${statRoot}failure_mode_allowed`);
          return CONTINUE;
        }
        countFilterStat(`${statRoot}error`);
        return { kind: 'deny', status: config.statusOnError, body: '', details: 'ext_authz_error', flag: RESPONSE_FLAGS.UNAUTHORIZED_EXTERNAL_SERVICE };
      }
      const answer = result.head;
      if (answer.status === 200) {
        countFilterStat(`${statRoot}ok`);
        answer.headers.forEach((n, v) => {
          if (upstreamHeader(n)) request.head.headers.set(n, v);
        });
        return CONTINUE;
      }
      countFilterStat(`${statRoot}denied`);
      const headers = new HeaderMap();
      answer.headers.forEach((n, v) => {
        if (!FRAMING.has(n) && clientHeader(n)) headers.add(n, v);
      });
      return { kind: 'deny', status: answer.status, body: result.body, details: 'ext_authz_denied', flag: RESPONSE_FLAGS.UNAUTHORIZED_EXTERNAL_SERVICE, headers };
    },
  };
}
