// The tables of `heddle proxy-config`, read from the decoded resources of a config dump, with
// istioctl's columns.
import { parseClusterName } from '../../xds/index.js';
import type { Table } from './table.js';

type Json = Readonly<Record<string, unknown>>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, fallback = '-'): string => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : fallback);

/** clusters: SERVICE FQDN | PORT | SUBSET | DIRECTION | TYPE. */
export function clusterTable(clusters: readonly Json[]): Table {
  const rows = clusters.map((c) => {
    const name = str(c['name'], '');
    const key = parseClusterName(name);
    const type = str(c['type'], '') || str(obj(c['cluster_type'])['name'], '') || 'STATIC';
    if (!key) return [name, '-', '-', '-', type];
    return [key.host || '-', String(key.port), key.subset || '-', key.direction, type];
  });
  return { headers: ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE'], rows };
}

function filtersOf(listener: Json): Json[] {
  const chains = [...list(listener['filter_chains']), listener['default_filter_chain']].map(obj);
  return chains.flatMap((chain) => list(chain['filters']).map(obj));
}

/** HTTP, TCP or HTTP+TCP from the network filters; API for a proxyless gRPC ApiListener. */
function listenerType(listener: Json): string {
  if (listener['api_listener']) return 'API';
  const names = new Set(filtersOf(listener).map((f) => str(f['name'], '')));
  const http = names.has('envoy.filters.network.http_connection_manager');
  const tcp = names.has('envoy.filters.network.tcp_proxy');
  return http && tcp ? 'HTTP+TCP' : http ? 'HTTP' : tcp ? 'TCP' : '-';
}

/** listeners: NAME | ADDRESS | PORT | TYPE. */
export function listenerTable(listeners: readonly Json[]): Table {
  const rows = listeners.map((l) => {
    const socket = obj(obj(l['address'])['socket_address']);
    return [str(l['name']), str(socket['address']), str(socket['port_value']), listenerType(l)];
  });
  return { headers: ['NAME', 'ADDRESS', 'PORT', 'TYPE'], rows };
}

/** `reviews, reviews.default + 2 more`, as istioctl shortens a virtual host's domains. */
function describeDomains(domains: readonly unknown[]): string {
  const names = domains.map((d) => str(d, '')).filter((d) => d !== '');
  if (names.length <= 2) return names.join(', ') || '-';
  return `${names.slice(0, 2).join(', ')} + ${names.length - 2} more`;
}

function describeMatch(match: Json): string {
  if (typeof match['prefix'] === 'string') return `${match['prefix']}*`;
  if (typeof match['path'] === 'string') return match['path'];
  if (typeof match['path_separated_prefix'] === 'string') return `${match['path_separated_prefix']}/*`;
  const regex = str(obj(match['safe_regex'])['regex'], '');
  return regex ? `regex ${regex}` : '-';
}

/** `reviews.default` from Istio's route metadata (`/apis/…/namespaces/default/virtual-service/reviews`). */
function virtualServiceOf(route: Json): string {
  const config = obj(obj(obj(route['metadata'])['filter_metadata'])['istio'])['config'];
  const m = typeof config === 'string' ? /\/namespaces\/([^/]+)\/virtual-service\/([^/]+)$/.exec(config) : null;
  if (m) return `${m[2]}.${m[1]}`;
  return route['direct_response'] ? str(obj(route['direct_response'])['status']) : '-';
}

/** routes: NAME | DOMAINS | MATCH | VIRTUAL SERVICE, one row per route of each virtual host. */
export function routeTable(routeConfigs: readonly Json[]): Table {
  const rows = routeConfigs.flatMap((rc) =>
    list(rc['virtual_hosts']).map(obj).flatMap((vh) => {
      const routes = list(vh['routes']).map(obj);
      const domains = describeDomains(list(vh['domains']));
      if (routes.length === 0) return [[str(rc['name']), domains, '-', '-']];
      return routes.map((r) => [str(rc['name']), domains, describeMatch(obj(r['match'])), virtualServiceOf(r)]);
    }),
  );
  return { headers: ['NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'], rows };
}

function endpointAddress(endpoint: Json): string {
  const address = obj(endpoint['address']);
  const socket = obj(address['socket_address']);
  if (socket['address'] !== undefined) return `${str(socket['address'])}:${str(socket['port_value'])}`;
  const pipe = str(obj(address['pipe'])['path'], '');
  return pipe ? `unix://${pipe}` : '-';
}

/** endpoints: ENDPOINT | STATUS | CLUSTER. Envoy treats UNKNOWN health as healthy. */
export function endpointTable(assignments: readonly Json[]): Table {
  const rows = assignments.flatMap((cla) =>
    list(cla['endpoints']).map(obj).flatMap((locality) =>
      list(locality['lb_endpoints']).map(obj).map((lb) => {
        const health = str(lb['health_status'], 'UNKNOWN');
        return [endpointAddress(obj(lb['endpoint'])), health === 'UNKNOWN' ? 'HEALTHY' : health, str(cla['cluster_name'])];
      }),
    ),
  );
  return { headers: ['ENDPOINT', 'STATUS', 'CLUSTER'], rows };
}
