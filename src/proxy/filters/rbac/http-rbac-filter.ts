// Envoy's HTTP RBAC filter: enforces its rules on each request (or the route's RBACPerRoute
// override), evaluates shadow rules for stats and metadata only, and denies with 403.
import type { HttpRbacConfig, RbacPerRoute } from '../../config/policy.js';
import { LOCAL_REPLY_BODY } from '../local-reply.js';
import { countFilterStat } from '../filter-stats.js';
import { CONTINUE, type DynamicMetadata, type HttpPolicyFilter, type PolicyRequest, type PolicyVerdict } from '../policy-filter.js';
import { createRbacEngine, type RbacEngine } from './rbac-engine.js';
import type { RbacSubject } from './rbac-matchers.js';

/** The dynamic metadata namespace the HTTP RBAC filter writes (shadow results, access_log_hint). */
export const RBAC_METADATA_NAMESPACE = 'envoy.filters.http.rbac';

interface CompiledRbac {
  readonly config: HttpRbacConfig;
  readonly enforced?: RbacEngine;
  readonly shadow?: RbacEngine;
}

function compile(config: HttpRbacConfig): CompiledRbac {
  return {
    config,
    ...(config.rules ? { enforced: createRbacEngine(config.rules) } : {}),
    ...(config.shadowRules ? { shadow: createRbacEngine(config.shadowRules) } : {}),
  };
}

function mergeMetadata(metadata: DynamicMetadata, values: Record<string, string | boolean>): void {
  metadata.set(RBAC_METADATA_NAMESPACE, { ...metadata.get(RBAC_METADATA_NAMESPACE), ...values });
}

/**
 * The HTTP RBAC filter named `name` in a connection manager whose stat_prefix is `hcmStatPrefix`.
 * A route (or its virtual host) with an RBACPerRoute for `name` overrides the config, or turns
 * the filter off when the override has no `rbac`. A denial is 403 `RBAC: access denied` with
 * details `rbac_access_denied_matched_policy[<policy>|none]`. Counters:
 * `http.<hcm>.rbac.<rules_stat_prefix>allowed|denied` and `...shadow_allowed|shadow_denied`.
 */
export function createHttpRbacFilter(name: string, config: HttpRbacConfig, hcmStatPrefix: string): HttpPolicyFilter {
  const base = compile(config);
  const overrides = new WeakMap<RbacPerRoute, CompiledRbac>();
  const statRoot = `http.${hcmStatPrefix}${hcmStatPrefix.endsWith('.') ? '' : '.'}rbac.`;

  function effective(request: PolicyRequest): CompiledRbac | undefined {
    const perRoute = request.route?.rbacPerRoute?.[name] ?? request.virtualHost?.rbacPerRoute?.[name];
    if (!perRoute) return base;
    if (!perRoute.rbac) return undefined;
    let compiled = overrides.get(perRoute);
    if (!compiled) {
      compiled = compile(perRoute.rbac);
      overrides.set(perRoute, compiled);
    }
    return compiled;
  }

  return {
    name,
    decodeHeaders(request): PolicyVerdict {
      const rbac = effective(request);
      if (!rbac) return CONTINUE;
      const subject: RbacSubject = {
        connection: request.connection,
        head: request.head,
        remoteIp: request.remoteIp,
        metadata: request.metadata,
        ...(request.serverName !== undefined ? { serverName: request.serverName } : {}),
      };
      if (rbac.shadow) {
        const shadow = rbac.shadow.evaluate(subject);
        const prefix = rbac.config.shadowRulesStatPrefix;
        countFilterStat(`${statRoot}${prefix}${shadow.allowed ? 'shadow_allowed' : 'shadow_denied'}`);
        const result = { [`${prefix}shadow_engine_result`]: shadow.allowed ? 'allowed' : 'denied' };
        // As Envoy: the effective policy id is written only when a shadow policy matched.
        if (shadow.matchedPolicy !== undefined) result[`${prefix}shadow_effective_policy_id`] = shadow.matchedPolicy;
        mergeMetadata(request.metadata, result);
      }
      const engine = rbac.enforced;
      if (!engine) return CONTINUE;
      const decision = engine.evaluate(subject);
      const prefix = rbac.config.rulesStatPrefix;
      if (engine.action === 'LOG') {
        const logged = decision.matchedPolicy !== undefined;
        countFilterStat(`${statRoot}${prefix}${logged ? 'logged' : 'not_logged'}`);
        mergeMetadata(request.metadata, { access_log_hint: logged });
        return CONTINUE;
      }
      countFilterStat(`${statRoot}${prefix}${decision.allowed ? 'allowed' : 'denied'}`);
      if (decision.allowed) return CONTINUE;
      return {
        kind: 'deny',
        status: 403,
        body: LOCAL_REPLY_BODY.RBAC_DENIED,
        details: `rbac_access_denied_matched_policy[${decision.matchedPolicy ?? 'none'}]`,
      };
    },
  };
}
