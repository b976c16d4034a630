// Semantic validation of ServiceEntry, as Istio's validating webhook does it.
import type { FieldPath, Resource, ServiceEntrySpec } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import {
  checkDns1123Label, checkDnsName, checkExportTo, checkIpOrCidr, checkPort, checkProtocol, checkSelectorLabels,
  checkWildcardDomain, checkWorkloadEndpoint, isHttpProtocol, isTlsProtocol, parseProtocol,
} from './common/index.js';

type Port = NonNullable<ServiceEntrySpec['ports']>[number];

/** Reports every semantic problem of a ServiceEntry. */
export function validateServiceEntry(resource: Resource<'ServiceEntry'>, report: Reporter): void {
  const { spec } = resource;
  const resolution = spec.resolution ?? 'NONE';
  const hosts = spec.hosts ?? [];
  const endpoints = spec.endpoints ?? [];

  // An empty or missing hosts list is reported by the schema.
  hosts.forEach((host, i) => {
    const bad = host === '*'
      ? 'a ServiceEntry host cannot be "*" alone; use a domain such as "*.example.com"'
      : checkWildcardDomain(host);
    if (bad) report.error(['spec', 'hosts', i], bad);
  });

  checkWorkloadSelector(spec, report);

  let cidrAt: number | undefined;
  (spec.addresses ?? []).forEach((address, i) => {
    const bad = checkIpOrCidr(address);
    if (bad) report.error(['spec', 'addresses', i], bad);
    else if (address.includes('/') && cidrAt === undefined) cidrAt = i;
  });
  if (cidrAt !== undefined && resolution !== 'NONE' && resolution !== 'STATIC') {
    report.error(['spec', 'addresses', cidrAt], `CIDR blocks are allowed only with resolution NONE or STATIC, not ${resolution}`);
  }

  const servicePorts = checkPorts(spec.ports ?? [], report);

  switch (resolution) {
    case 'NONE':
      if (endpoints.length > 0) {
        report.error(['spec', 'endpoints'], 'resolution NONE forwards to the original destination and uses no endpoints; use STATIC or DNS, or remove them');
      }
      if (spec.workloadSelector) report.warning(['spec', 'workloadSelector'], 'resolution NONE uses no endpoints, so workloadSelector has no effect');
      break;
    case 'STATIC':
      if (endpoints.length === 0 && !spec.workloadSelector) {
        report.warning(['spec', 'endpoints'], 'STATIC resolution with neither endpoints nor workloadSelector leaves the service without endpoints');
      }
      endpoints.forEach((e, i) => checkWorkloadEndpoint(e, ['spec', 'endpoints', i], report, { address: 'ip', servicePorts }));
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      checkDnsResolution(spec, resolution, servicePorts, report);
      break;
    default:
      break;
  }

  // A plain TCP port cannot tell several hosts apart: only HTTP (by authority) and TLS (by SNI) can.
  if (resolution !== 'NONE' && hosts.length > 1) {
    const k = (spec.ports ?? []).findIndex((p) => {
      const protocol = parseProtocol(p.protocol ?? '');
      return !isHttpProtocol(protocol) && !isTlsProtocol(protocol);
    });
    if (k >= 0) {
      report.error(['spec', 'ports', k, 'protocol'], `with several hosts, port ${spec.ports![k]!.number} needs an HTTP or TLS protocol to tell them apart; split the hosts or use resolution NONE`);
    }
  }

  checkExportTo(spec.exportTo, resource.metadata.namespace, ['spec', 'exportTo'], report, { allowNone: true });

  (spec.subjectAltNames ?? []).forEach((san, i) => {
    if (san.trim() === '') report.error(['spec', 'subjectAltNames', i], 'subject alternative names must not be empty');
  });
}

function checkWorkloadSelector(spec: ServiceEntrySpec, report: Reporter): void {
  const selector = spec.workloadSelector;
  if (!selector) return;
  const path = ['spec', 'workloadSelector'];
  checkSelectorLabels(selector.labels, [...path, 'labels'], report);
  if (Object.keys(selector.labels ?? {}).length === 0) {
    report.warning(path, 'a workloadSelector without labels selects every workload in the namespace');
  }
  if ((spec.endpoints ?? []).length > 0) {
    report.error(path, 'set either workloadSelector or endpoints, not both');
  }
}

/** Checks the declared ports and returns their names, which endpoint ports refer to. */
function checkPorts(ports: readonly Port[], report: Reporter): Set<string> {
  const names = new Map<string, number>();
  const numbers = new Map<number, number>();
  ports.forEach((port, i) => {
    const path: FieldPath = ['spec', 'ports', i];
    const badName = checkDns1123Label(port.name);
    if (badName) report.error([...path, 'name'], `invalid port name: ${badName}`);
    else if (names.has(port.name)) report.error([...path, 'name'], `port name "${port.name}" is already used by spec.ports[${names.get(port.name)}]`);
    else names.set(port.name, i);

    const badNumber = checkPort(port.number);
    if (badNumber) report.error([...path, 'number'], badNumber);
    else if (numbers.has(port.number)) report.error([...path, 'number'], `port ${port.number} is already declared by spec.ports[${numbers.get(port.number)}]`);
    else numbers.set(port.number, i);

    const badProtocol = checkProtocol(port.protocol);
    if (badProtocol) report.error([...path, 'protocol'], badProtocol);
    if (port.targetPort !== undefined && port.targetPort !== 0) {
      const badTarget = checkPort(port.targetPort);
      if (badTarget) report.error([...path, 'targetPort'], `targetPort: ${badTarget}`);
    }
  });
  return new Set(names.keys());
}

function checkDnsResolution(spec: ServiceEntrySpec, resolution: 'DNS' | 'DNS_ROUND_ROBIN', servicePorts: ReadonlySet<string>, report: Reporter): void {
  const endpoints = spec.endpoints ?? [];
  if (endpoints.length === 0) {
    // Without endpoints the proxy resolves the hosts themselves, which a wildcard cannot be.
    (spec.hosts ?? []).forEach((host, i) => {
      if (host !== '*' && !checkWildcardDomain(host) && checkDnsName(host)) {
        report.error(['spec', 'hosts', i], `${resolution} resolution without endpoints resolves each host, so "${host}" must be a fully qualified name, not a wildcard; add endpoints or use resolution NONE`);
      }
    });
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
    report.error(['spec', 'endpoints'], `DNS_ROUND_ROBIN resolution takes at most one endpoint, got ${endpoints.length}; use DNS to balance across several`);
  }
  endpoints.forEach((e, i) => checkWorkloadEndpoint(e, ['spec', 'endpoints', i], report, { address: 'ip-or-hostname', unix: false, servicePorts }));
}
