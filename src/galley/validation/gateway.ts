// Semantic validation of Gateway, as Istio's validating webhook does it.
import type { FieldPath, GatewaySpec, Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import {
  checkDns1123Label, checkDns1123Subdomain, checkPort, checkProtocol, checkSelectorLabels, checkServerTls,
  checkUnixAddress, checkWildcardDomain, isHttpProtocol, isIpAddress, isTlsProtocol, isUnixAddress, parseProtocol,
} from './common/index.js';

type Server = NonNullable<GatewaySpec['servers']>[number];

/** Reports every semantic problem of a Gateway. */
export function validateGateway(resource: Resource<'Gateway'>, report: Reporter): void {
  const { spec, metadata } = resource;

  // Virtual services name gateways as namespace/name, so a dotted name cannot be referred to.
  if (metadata.name && !checkDns1123Subdomain(metadata.name) && checkDns1123Label(metadata.name)) {
    report.error(['metadata', 'name'], `gateway name "${metadata.name}" must be a DNS-1123 label (no dots), since virtual services refer to it as namespace/name`);
  }

  checkSelectorLabels(spec.selector, ['spec', 'selector'], report);

  const servers = spec.servers ?? [];
  if (servers.length === 0) {
    report.error(['spec', 'servers'], 'a gateway needs at least one server');
    return;
  }

  const portNames = new Map<string, number>();
  servers.forEach((server, i) => {
    const path = ['spec', 'servers', i];
    checkServer(server, path, report);
    const name = server.port?.name;
    if (!name) return;
    const first = portNames.get(name);
    if (first !== undefined) {
      report.error([...path, 'port', 'name'], `port name "${name}" is already used by spec.servers[${first}]; server port names must be unique within a gateway`);
    } else {
      portNames.set(name, i);
    }
  });
}

function checkServer(server: Server, path: FieldPath, report: Reporter): void {
  // A missing hosts list is reported by the schema.
  if (server.hosts && server.hosts.length === 0) {
    report.error([...path, 'hosts'], 'a server needs at least one host, such as "*" or "*/bookinfo.example.com"');
  }
  (server.hosts ?? []).forEach((host, j) => {
    const bad = checkGatewayHost(host);
    if (bad) report.error([...path, 'hosts', j], bad);
  });
  checkBindAndPort(server, path, report);
  if (server.tls) checkServerTls(server.tls, [...path, 'tls'], report);
  checkTlsForProtocol(server, path, report);
}

function checkBindAndPort(server: Server, path: FieldPath, report: Reporter): void {
  const bind = server.bind ?? '';
  const unixBind = isUnixAddress(bind);
  if (unixBind) {
    const bad = checkUnixAddress(bind);
    if (bad) report.error([...path, 'bind'], bad);
  } else if (bind !== '' && !isIpAddress(bind)) {
    report.error([...path, 'bind'], `bind "${bind}" must be an IP address or a unix:// socket path`);
  }

  // A missing port is reported by the schema.
  const port = server.port;
  if (!port) return;
  const badProtocol = checkProtocol(port.protocol, { required: true });
  if (badProtocol) report.error([...path, 'port', 'protocol'], badProtocol);
  if (unixBind) {
    if (port.number !== 0) report.error([...path, 'port', 'number'], 'port number must be 0 when bind is a unix:// socket');
  } else {
    const badPort = checkPort(port.number);
    if (badPort) report.error([...path, 'port', 'number'], badPort);
  }
  if (port.targetPort !== undefined && port.targetPort !== 0) {
    report.error([...path, 'port', 'targetPort'], 'targetPort has no effect on a gateway server; remove it');
  }
  if (port.name === '') report.error([...path, 'port', 'name'], 'a server port needs a name, such as "http" or "https-443"');
}

/** HTTPS and TLS servers need tls settings; plain-text servers may only redirect to HTTPS. */
function checkTlsForProtocol(server: Server, path: FieldPath, report: Reporter): void {
  const protocol = parseProtocol(server.port?.protocol ?? '');
  if (protocol === undefined) return;
  const tls = server.tls;
  if (isTlsProtocol(protocol)) {
    if (!tls) report.error([...path, 'tls'], `a ${protocol} server needs tls settings, such as mode SIMPLE with a credentialName`);
    else if (tls.httpsRedirect) report.warning([...path, 'tls', 'httpsRedirect'], 'httpsRedirect only has an effect on HTTP servers');
  } else if (tls) {
    if (!isHttpProtocol(protocol)) {
      report.error([...path, 'tls'], `a ${protocol} server cannot have tls settings; use protocol HTTPS or TLS to serve TLS`);
    } else if (terminatesTls(tls)) {
      report.error([...path, 'tls'], `a plain-text ${protocol} server can only use tls.httpsRedirect; serve TLS on a port with protocol HTTPS`);
    }
  }
}

/** True when the settings ask the server to terminate TLS, which a plain-text HTTP port cannot do. */
function terminatesTls(tls: NonNullable<Server['tls']>): boolean {
  const mode = tls.mode ?? 'PASSTHROUGH';
  const passthrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
  return !passthrough || !!tls.serverCertificate || !!tls.privateKey || !!tls.caCertificates;
}

/**
 * A reason a server host is invalid, or undefined. Hosts are `host` or `namespace/host`; the
 * namespace is `*`, `.` or a namespace name, and the host is an FQDN, a wildcard domain, `*` or an IP.
 */
function checkGatewayHost(entry: string): string | undefined {
  const slash = entry.indexOf('/');
  if (slash < 0) return checkHostPart(entry);
  const ns = entry.slice(0, slash);
  const host = entry.slice(slash + 1);
  if (ns === '' || host === '') return `"${entry}" must have both a namespace and a host, such as "*/foo.example.com" or "./*"`;
  if (ns !== '*' && ns !== '.' && checkDns1123Label(ns)) {
    return `"${entry}" has an invalid namespace "${ns}": use "*", "." or a namespace name`;
  }
  return checkHostPart(host);
}

function checkHostPart(host: string): string | undefined {
  if (isIpAddress(host)) return undefined;
  if (host !== '*' && !host.includes('.')) {
    return `short host name "${host}" is not allowed: use a fully qualified name such as "${host}.example.com", or a wildcard`;
  }
  return checkWildcardDomain(host);
}
