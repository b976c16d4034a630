// Envoy's network RBAC filter: decides once, when a connection starts, whether it may go on to
// the terminal filter (TCP proxy or HTTP connection manager); shadow rules only count.
import type { NetworkRbacConfig } from '../../config/policy.js';
import type { ConnectionInfo } from '../../http/exchange.js';
import { countFilterStat } from '../filter-stats.js';
import { createRbacEngine, type RbacEngine } from './rbac-engine.js';
import type { RbacSubject } from './rbac-matchers.js';

/** Decides on one connection: true lets it through. */
export type NetworkRbacCheck = (connection: ConnectionInfo, serverName: string | undefined) => boolean;

interface CompiledNetworkRbac {
  readonly statRoot: string;
  readonly shadowPrefix: string;
  readonly enforced?: RbacEngine;
  readonly shadow?: RbacEngine;
}

/**
 * Compiles the network RBAC filters of a chain, in order. The connection is allowed only when
 * every filter allows it; the SNI comes from the TLS inspector. Header, path and metadata rules
 * never match a connection. Counters: `<stat_prefix>rbac.allowed|denied|shadow_allowed|shadow_denied`
 * (Istio's stat_prefix `tcp.` gives `tcp.rbac.denied`).
 */
export function createNetworkRbacCheck(configs: readonly NetworkRbacConfig[]): NetworkRbacCheck {
  const filters: CompiledNetworkRbac[] = configs.map((c) => ({
    statRoot: `${c.statPrefix}rbac.`,
    shadowPrefix: c.shadowRulesStatPrefix,
    ...(c.rules ? { enforced: createRbacEngine(c.rules) } : {}),
    ...(c.shadowRules ? { shadow: createRbacEngine(c.shadowRules) } : {}),
  }));
  return (connection, serverName) => {
    const subject: RbacSubject = serverName === undefined ? { connection } : { connection, serverName };
    for (const f of filters) {
      if (f.shadow) countFilterStat(`${f.statRoot}${f.shadowPrefix}${f.shadow.evaluate(subject).allowed ? 'shadow_allowed' : 'shadow_denied'}`);
      if (!f.enforced || f.enforced.action === 'LOG') continue;
      const allowed = f.enforced.evaluate(subject).allowed;
      countFilterStat(`${f.statRoot}${allowed ? 'allowed' : 'denied'}`);
      if (!allowed) return false;
    }
    return true;
  };
}
