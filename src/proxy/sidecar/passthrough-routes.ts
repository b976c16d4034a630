// The route table for explicit-mode requests to destinations no listener knows: everything goes to
// PassthroughCluster, as Istio's `allow_any` virtual host does.
import type { HeaderOperations, RouteConfig } from '../config/index.js';
import { createRouteTable, type RouteTable } from '../router/route-table.js';

const NO_HEADERS: HeaderOperations = { requestHeadersToAdd: [], requestHeadersToRemove: [], responseHeadersToAdd: [], responseHeadersToRemove: [] };

const PASSTHROUGH_ROUTES: RouteConfig = {
  name: 'explicit-passthrough',
  ignorePortInHostMatching: true,
  headers: NO_HEADERS,
  virtualHosts: [
    {
      name: 'allow_any',
      domains: ['*'],
      headers: NO_HEADERS,
      includeRequestAttemptCount: false,
      routes: [
        {
          name: 'allow_any',
          match: { path: { kind: 'prefix', value: '/' }, caseSensitive: true, headers: [], queryParameters: [] },
          headers: NO_HEADERS,
          action: {
            kind: 'route',
            clusters: [{ name: 'PassthroughCluster', weight: 1, headers: NO_HEADERS }],
            totalWeight: 1,
            autoHostRewrite: false,
            timeoutMs: 0,
            hashPolicies: [],
            mirrors: [],
            upgrades: [],
          },
        },
      ],
    },
  ],
};

export function createPassthroughRouteTable(): RouteTable {
  return createRouteTable(PASSTHROUGH_ROUTES);
}
