// Semantic validation of Sidecar, as Istio's validating webhook does it.
import type { FieldPath, Resource, SidecarSpec } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import {
  checkDns1123Label, checkDnsName, checkDuration, checkNamespacedHost, checkPort, checkProtocol, checkSelectorLabels,
  checkServerTls, checkUnixAddress, isHttpProtocol, isIpAddress, isTlsProtocol, isUnixAddress, parseProtocol,
} from './common/index.js';

type Ingress = NonNullable<SidecarSpec['ingress']>[number];
type Egress = NonNullable<SidecarSpec['egress']>[number];
type SidecarPort = NonNullable<Egress['port']>;
type ConnectionPool = SidecarSpec['inboundConnectionPool'];

/** Reports every semantic problem of a Sidecar. */
export function validateSidecar(resource: Resource<'Sidecar'>, report: Reporter): void {
  const { spec } = resource;
  const selector = spec.workloadSelector;
  if (selector) {
    checkSelectorLabels(selector.labels, ['spec', 'workloadSelector', 'labels'], report);
    if (Object.keys(selector.labels ?? {}).length === 0) {
      report.warning(['spec', 'workloadSelector'], 'a workloadSelector without labels applies this Sidecar to every workload in the namespace');
    }
  }
  const ingress = spec.ingress ?? [];
  const egress = spec.egress ?? [];
  if (ingress.length === 0 && egress.length === 0 && !spec.outboundTrafficPolicy && !spec.inboundConnectionPool) {
    report.error(['spec'], 'a Sidecar needs at least one of egress, ingress, outboundTrafficPolicy or inboundConnectionPool');
    return;
  }

  const ingressPorts = new Map<number, number>();
  ingress.forEach((listener, i) => {
    const path = ['spec', 'ingress', i];
    checkIngress(listener, path, report);
    const number = listener.port?.number;
    if (number === undefined || checkPort(number)) return;
    const first = claim(ingressPorts, number, i);
    if (first !== undefined) report.error([...path, 'port', 'number'], `port ${number} is already used by spec.ingress[${first}]`);
  });
  checkConnectionPool(spec.inboundConnectionPool, ['spec', 'inboundConnectionPool'], report);
  checkEgressListeners(egress, report);
  checkOutboundTrafficPolicy(spec.outboundTrafficPolicy, report);
}

function checkEgressListeners(egress: readonly Egress[], report: Reporter): void {
  const egressPorts = new Map<number, number>();
  const sockets = new Map<string, number>();
  egress.forEach((listener, i) => {
    const path = ['spec', 'egress', i];
    if (!listener.port) {
      // The listener without a port catches all remaining traffic, so it must come last.
      const earlier = egress.findIndex((l) => !l.port);
      if (earlier < i) report.error(path, `only one egress listener may omit its port; spec.egress[${earlier}] already does`);
      else if (i !== egress.length - 1) report.error(path, 'the egress listener without a port catches all traffic, so it must be the last one');
    } else {
      checkEgressPort(listener, path, report);
      const number = listener.port.number;
      if (!number) {
        const first = claim(sockets, listener.bind ?? '', i);
        if (first !== undefined) report.error([...path, 'bind'], `unix socket ${listener.bind} is already used by spec.egress[${first}]`);
      } else {
        const first = claim(egressPorts, number, i);
        if (first !== undefined) report.error([...path, 'port', 'number'], `port ${number} is already used by spec.egress[${first}]`);
      }
    }
    // A missing hosts list is reported by the schema.
    if (listener.hosts) checkEgressHosts(listener.hosts, [...path, 'hosts'], report);
  });
}

function checkOutboundTrafficPolicy(policy: SidecarSpec['outboundTrafficPolicy'], report: Reporter): void {
  const proxy = policy?.egressProxy;
  if (!policy || !proxy) return;
  const path = ['spec', 'outboundTrafficPolicy', 'egressProxy'];
  // The mode defaults to REGISTRY_ONLY, which never sends traffic to a proxy.
  if (policy.mode !== 'ALLOW_ANY') report.error(path, 'egressProxy is used only with mode ALLOW_ANY');
  const badHost = checkDnsName(proxy.host);
  if (badHost) report.error([...path, 'host'], `egressProxy host must be a fully qualified name: ${badHost}`);
  if (!proxy.port) {
    report.error([...path, 'port'], 'egressProxy needs a port');
    return;
  }
  const badPort = checkPort(proxy.port.number);
  if (badPort) report.error([...path, 'port', 'number'], badPort);
}

/** Records that listener `i` uses `key`, and returns the listener that used it first, if any. */
function claim<K>(seen: Map<K, number>, key: K, i: number): number | undefined {
  const first = seen.get(key);
  if (first === undefined) seen.set(key, i);
  return first;
}

function checkIngress(listener: Ingress, path: FieldPath, report: Reporter): void {
  const port = listener.port;
  // A missing port is reported by the schema.
  if (!port) return;
  checkPortFields(port, [...path, 'port'], report);
  const badNumber = checkPort(port.number);
  if (badNumber) report.error([...path, 'port', 'number'], badNumber);
  checkBindIp(listener.bind, [...path, 'bind'], report);

  const endpoint = listener.defaultEndpoint ?? '';
  if (endpoint !== '') {
    const bad = isUnixAddress(endpoint) ? checkUnixAddress(endpoint) : checkDefaultEndpoint(endpoint);
    if (bad) report.error([...path, 'defaultEndpoint'], bad);
  }

  const tls = listener.tls;
  if (tls) {
    const at = (f: string) => [...path, 'tls', f];
    if ((tls.subjectAltNames ?? []).length > 0) report.error(at('subjectAltNames'), 'subjectAltNames is not supported on a sidecar ingress listener');
    if (tls.httpsRedirect) report.error(at('httpsRedirect'), 'httpsRedirect is not supported on a sidecar ingress listener');
    if (tls.credentialName) report.error(at('credentialName'), 'credentialName is not supported on a sidecar ingress listener; use serverCertificate and privateKey files');
    if ((tls.credentialNames ?? []).length > 0) report.error(at('credentialNames'), 'credentialNames is not supported on a sidecar ingress listener');
    if ((tls.tlsCertificates ?? []).length > 0) report.error(at('tlsCertificates'), 'tlsCertificates is not supported on a sidecar ingress listener');
    if (!isTlsProtocol(parseProtocol(port.protocol ?? ''))) {
      report.error([...path, 'port', 'protocol'], 'a listener with tls settings needs protocol HTTPS or TLS');
    }
    if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') {
      report.error(at('mode'), `mode ${tls.mode} cannot be used on a sidecar ingress listener; use SIMPLE or MUTUAL`);
    } else {
      checkServerTls(tls, [...path, 'tls'], report);
    }
  }

  checkConnectionPool(listener.connectionPool, [...path, 'connectionPool'], report);
  if (listener.connectionPool?.http && !isHttpProtocol(parseProtocol(port.protocol ?? ''))) {
    report.warning([...path, 'connectionPool', 'http'], `port ${port.number} is not HTTP, so only the tcp connection pool settings apply`);
  }
}

function checkEgressPort(listener: Egress, path: FieldPath, report: Reporter): void {
  const port = listener.port!;
  checkPortFields(port, [...path, 'port'], report);
  const bind = listener.bind ?? '';
  if (!port.number) {
    // Port 0 (or none) means the listener is a unix domain socket.
    if (!isUnixAddress(bind)) {
      report.error([...path, 'bind'], 'an egress listener with port 0 (or no port number) must bind to a unix:// socket; set port.number or a unix:// bind');
    } else {
      const bad = checkUnixAddress(bind);
      if (bad) report.error([...path, 'bind'], bad);
    }
    if (listener.captureMode === 'IPTABLES') {
      report.error([...path, 'captureMode'], 'a unix socket listener cannot capture traffic with iptables; use DEFAULT or NONE');
    }
    return;
  }
  const bad = checkPort(port.number);
  if (bad) report.error([...path, 'port', 'number'], bad);
  checkBindIp(bind, [...path, 'bind'], report);
}

/** Checks the fields that ingress and egress ports share: target port, name and protocol. */
function checkPortFields(port: SidecarPort, path: FieldPath, report: Reporter): void {
  if (port.targetPort !== undefined && port.targetPort !== 0) {
    report.error([...path, 'targetPort'], 'targetPort has no effect on a Sidecar listener; remove it');
  }
  if (port.name) {
    const bad = checkDns1123Label(port.name);
    if (bad) report.error([...path, 'name'], `invalid port name: ${bad}`);
  }
  const badProtocol = checkProtocol(port.protocol);
  if (badProtocol) report.error([...path, 'protocol'], badProtocol);
}

function checkBindIp(bind: string | undefined, path: FieldPath, report: Reporter): void {
  if (bind && !isIpAddress(bind)) report.error(path, `bind "${bind}" must be an IP address`);
}

/** A reason a defaultEndpoint is not `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`, `[::]:PORT` or `:PORT`. */
function checkDefaultEndpoint(endpoint: string): string | undefined {
  const expected = 'use 127.0.0.1:PORT, 0.0.0.0:PORT, [::1]:PORT, [::]:PORT or unix:///path';
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(endpoint);
  if (!m) return `invalid defaultEndpoint "${endpoint}": ${expected}`;
  const host = m[1] ?? m[2] ?? '';
  if (!['', '127.0.0.1', '0.0.0.0', '::1', '::'].includes(host)) {
    return `defaultEndpoint "${endpoint}" must point at the workload itself: ${expected}`;
  }
  const port = m[3]!;
  if (!/^\d+$/.test(port)) return `defaultEndpoint "${endpoint}" has no valid port number: ${expected}`;
  return checkPort(Number(port));
}

function checkEgressHosts(hosts: readonly string[], path: FieldPath, report: Reporter): void {
  if (hosts.length === 0) {
    report.error(path, 'an egress listener needs at least one host, such as "./*" or "istio-system/*"');
    return;
  }
  const seen = new Set<string>();
  hosts.forEach((entry, j) => {
    const bad = checkEgressHost(entry);
    if (bad) {
      report.error([...path, j], bad);
      return;
    }
    if (seen.has(entry)) report.warning([...path, j], `host "${entry}" is listed more than once`);
    seen.add(entry);
  });
  if (seen.has('*/*') && seen.size > 1) {
    report.warning(path, '"*/*" already selects every host in every namespace, so the other hosts add nothing');
  }
}

/** A reason an egress host is not `namespace/host` with an FQDN or wildcard host, or undefined. */
function checkEgressHost(entry: string): string | undefined {
  const slash = entry.indexOf('/');
  if (slash === 0 || slash === entry.length - 1) {
    return `"${entry}" must have both a namespace and a host, such as "./*" or "istio-system/*"`;
  }
  const bad = checkNamespacedHost(entry);
  if (bad) return bad;
  const host = entry.slice(slash + 1);
  if (host !== '*' && !host.includes('.')) {
    return `short host name "${host}" in "${entry}" is not allowed: use a fully qualified name (such as "${host}.default.svc.cluster.local") or a wildcard`;
  }
  return undefined;
}

function checkConnectionPool(pool: ConnectionPool, path: FieldPath, report: Reporter): void {
  if (!pool) return;
  if (!pool.http && !pool.tcp) {
    report.error(path, 'a connection pool needs http or tcp settings');
    return;
  }
  const durations: Array<[string, string, string | undefined]> = [
    ['http', 'idleTimeout', pool.http?.idleTimeout],
    ['tcp', 'connectTimeout', pool.tcp?.connectTimeout],
    ['tcp', 'maxConnectionDuration', pool.tcp?.maxConnectionDuration],
    ['tcp', 'idleTimeout', pool.tcp?.idleTimeout],
  ];
  for (const [group, field, value] of durations) {
    if (value === undefined) continue;
    // A tcp idleTimeout of 0s turns the timeout off.
    const bad = checkDuration(value, { allowZero: group === 'tcp' && field === 'idleTimeout' });
    if (bad) report.error([...path, group, field], bad);
  }
  if (pool.http?.h2UpgradePolicy === 'UPGRADE' && pool.http.useClientProtocol) {
    report.error([...path, 'http', 'useClientProtocol'], 'useClientProtocol cannot be true when h2UpgradePolicy is UPGRADE');
  }
}
