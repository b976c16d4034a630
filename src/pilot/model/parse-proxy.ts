// A connecting proxy's xDS node (id and metadata, as Istio's agent sends them) into the Proxy model.
import { isIP } from 'node:net';
import type { Node__Output } from '../../xds/index.js';
import { structToJson, type JsonObject, type JsonValue } from '../../xds/struct.js';
import type { Proxy, ProxyType, WorkloadPort } from './proxy.js';

/** What {@link parseProxy} gives: the proxy (with notes on metadata it ignored), or why the node is refused. */
export type ParsedProxy =
  | { readonly ok: true; readonly proxy: Proxy; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

const DEFAULT_NAMESPACE = 'default';
const PROXY_TYPES: readonly ProxyType[] = ['sidecar', 'router'];

/**
 * Parses a node. An Istio node id, `type~ip~name.namespace~namespace.svc.cluster.local`, gives the
 * proxy type (`sidecar` or `router`; any other type is refused), an IP and the workload's name and
 * namespace. Any other id (grpc-js-xds clients send whatever their bootstrap holds) is accepted as
 * a `sidecar`. Metadata, when present, wins over the id: NAMESPACE, LABELS, SERVICE_ACCOUNT,
 * INSTANCE_IPS (comma-separated), GENERATOR (`grpc` for proxyless clients), POD_PORTS (a JSON
 * string), WORKLOAD_NAME, DNS_DOMAIN and CLUSTER_ID. Malformed metadata is skipped with a warning
 * rather than refusing the proxy.
 */
export function parseProxy(node: Node__Output | null | undefined): ParsedProxy {
  if (!node) return { ok: false, error: 'the request carries no node' };
  const id = node.id ?? '';
  if (id.trim() === '') return { ok: false, error: 'the node has an empty id' };
  const warnings: string[] = [];
  const metadata = structToJson(node.metadata);
  const idParts = parseIstioNodeId(id);
  if (idParts && !PROXY_TYPES.includes(idParts.type as ProxyType)) {
    return { ok: false, error: `node id "${id}": unknown proxy type "${idParts.type}" (expected sidecar or router)` };
  }
  const podName = idParts?.podName;
  const namespace = stringField(metadata, 'NAMESPACE', warnings) ?? idParts?.namespace ?? DEFAULT_NAMESPACE;
  const ips = instanceIps(metadata, warnings);
  if (ips.length === 0 && idParts && isIP(idParts.ip) !== 0) ips.push(idParts.ip);
  const serviceAccount = stringField(metadata, 'SERVICE_ACCOUNT', warnings);
  const proxy: Proxy = {
    id,
    type: (idParts?.type as ProxyType | undefined) ?? 'sidecar',
    generator: stringField(metadata, 'GENERATOR', warnings) === 'grpc' ? 'grpc' : 'envoy',
    ipAddresses: ips,
    workloadName: stringField(metadata, 'WORKLOAD_NAME', warnings) ?? podName ?? id,
    namespace,
    ...(serviceAccount ? { serviceAccount } : {}),
    labels: labelsOf(metadata, warnings),
    dnsDomain: stringField(metadata, 'DNS_DOMAIN', warnings) ?? idParts?.domain ?? `${namespace}.svc.cluster.local`,
    workloadPorts: podPorts(metadata, warnings),
    interceptionMode: stringField(metadata, 'INTERCEPTION_MODE', warnings) === 'REDIRECT' ? 'REDIRECT' : 'NONE',
    metadata,
  };
  return { ok: true, proxy, warnings };
}

interface IstioNodeId {
  readonly type: string;
  readonly ip: string;
  readonly podName: string;
  readonly namespace?: string;
  readonly domain?: string;
}

/** The four parts of an Istio node id, or undefined when `id` is not in that form. */
function parseIstioNodeId(id: string): IstioNodeId | undefined {
  const parts = id.split('~');
  if (parts.length !== 4) return undefined;
  const [type = '', ip = '', name = '', domain = ''] = parts;
  const dot = name.indexOf('.');
  const podName = dot >= 0 ? name.slice(0, dot) : name;
  const namespace = dot >= 0 ? name.slice(dot + 1) : domain.split('.')[0];
  return { type, ip, podName, ...(namespace ? { namespace } : {}), ...(domain ? { domain } : {}) };
}

function stringField(metadata: JsonObject, key: string, warnings: string[]): string | undefined {
  const value = metadata[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    warnings.push(`metadata ${key}: expected a string, ignored`);
    return undefined;
  }
  return value === '' ? undefined : value;
}

function instanceIps(metadata: JsonObject, warnings: string[]): string[] {
  const raw = metadata['INSTANCE_IPS'];
  const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw.map(String) : [];
  const ips: string[] = [];
  for (const item of items.map((s) => s.trim()).filter((s) => s !== '')) {
    if (isIP(item) !== 0) ips.push(item);
    else warnings.push(`metadata INSTANCE_IPS: "${item}" is not an IP address, ignored`);
  }
  return ips;
}

function labelsOf(metadata: JsonObject, warnings: string[]): Record<string, string> {
  const raw = metadata['LABELS'];
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) {
    warnings.push('metadata LABELS: expected a struct of strings, ignored');
    return {};
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') labels[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') labels[key] = String(value);
    else warnings.push(`metadata LABELS.${key}: expected a string, ignored`);
  }
  return labels;
}

/** POD_PORTS: a JSON string (as Istio's injector writes it) or, leniently, a list. */
function podPorts(metadata: JsonObject, warnings: string[]): WorkloadPort[] {
  let raw: unknown = metadata['POD_PORTS'];
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      warnings.push('metadata POD_PORTS: not valid JSON, ignored');
      return [];
    }
  }
  if (!Array.isArray(raw)) {
    warnings.push('metadata POD_PORTS: expected a list of ports, ignored');
    return [];
  }
  const ports: WorkloadPort[] = [];
  raw.forEach((item: unknown, i) => {
    const port = isObject(item) ? item['containerPort'] ?? item['port'] : undefined;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535 || !isObject(item)) {
      warnings.push(`metadata POD_PORTS[${i}]: no valid containerPort, ignored`);
      return;
    }
    const name = item['name'];
    const protocol = item['protocol'];
    ports.push({
      port,
      ...(typeof name === 'string' && name !== '' ? { name } : {}),
      ...(typeof protocol === 'string' && protocol !== '' ? { protocol } : {}),
    });
  });
  return ports;
}

function isObject(value: unknown): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
