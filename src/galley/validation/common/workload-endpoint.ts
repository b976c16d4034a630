// Workload endpoints: WorkloadEntry specs, ServiceEntry endpoints and WorkloadGroup templates share these fields.
import type { FieldPath } from '../../../api/index.js';
import type { Reporter } from '../reporter.js';
import { checkDnsName } from './host.js';
import { checkDns1123Label, checkDns1123Subdomain } from './names.js';
import { checkPort, isIpAddress } from './network.js';
import { checkSelectorLabels } from './selector.js';
import { checkUnixAddress, isUnixAddress } from './unix-socket.js';

/** The fields of Istio's WorkloadEntry that the rules below read. */
export interface WorkloadEndpoint {
  readonly address?: string;
  readonly ports?: Readonly<Record<string, number>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly network?: string;
  readonly locality?: string;
  readonly serviceAccount?: string;
}

/** How an endpoint's address is checked. */
export type EndpointAddressRule =
  /** An IP, a DNS name or a `unix://` path; required unless `network` is set (WorkloadEntry, DNS endpoints). */
  | 'ip-or-hostname'
  /** An IP or a `unix://` path; required unless `network` is set (STATIC ServiceEntry endpoints). */
  | 'ip'
  /** Filled in when the workload registers, so it should be left out (WorkloadGroup templates). */
  | 'template';

export interface WorkloadEndpointOptions {
  readonly address: EndpointAddressRule;
  /** Whether a `unix://` address is accepted; true unless set. DNS resolution cannot use one. */
  readonly unix?: boolean;
  /** Port names the owning ServiceEntry declares; endpoint ports must use one of them. */
  readonly servicePorts?: ReadonlySet<string>;
}

/**
 * Reports the problems of a workload endpoint at `path`: its address, its named ports (declared,
 * valid names, 1–65535), its labels, service account and locality.
 */
export function checkWorkloadEndpoint(entry: WorkloadEndpoint, path: FieldPath, report: Reporter, opts: WorkloadEndpointOptions): void {
  const address = entry.address ?? '';
  if (opts.address === 'template') {
    if (address !== '') report.warning([...path, 'address'], 'the address is filled in when a workload registers, so the template should not set it');
  } else {
    checkAddress(entry, path, report, opts);
  }

  for (const [name, port] of Object.entries(entry.ports ?? {})) {
    const at = [...path, 'ports', name];
    if (opts.servicePorts && !opts.servicePorts.has(name)) {
      report.error(at, `port "${name}" is not declared in spec.ports; endpoint ports are keyed by a service port name`);
    } else {
      const badName = checkDns1123Label(name);
      if (badName) report.error(at, `invalid port name: ${badName}`);
    }
    const badPort = checkPort(port);
    if (badPort) report.error(at, badPort);
  }

  checkSelectorLabels(entry.labels, [...path, 'labels'], report);

  if (entry.serviceAccount !== undefined && entry.serviceAccount !== '') {
    const bad = checkDns1123Subdomain(entry.serviceAccount);
    if (bad) report.error([...path, 'serviceAccount'], `invalid service account name: ${bad}`);
  }

  if (entry.locality !== undefined && entry.locality !== '') {
    const parts = entry.locality.split('/');
    if (parts.length > 3 || parts.some((p) => p === '')) {
      report.warning([...path, 'locality'], `locality "${entry.locality}" should have the form region/zone/subzone, such as "us-east1/us-east1-b/rack4"`);
    }
  }
}

function checkAddress(entry: WorkloadEndpoint, path: FieldPath, report: Reporter, opts: WorkloadEndpointOptions): void {
  const address = entry.address ?? '';
  const at = [...path, 'address'];
  if (address === '') {
    if (entry.network === undefined || entry.network === '') {
      report.error(at, 'address is required unless network is set (then the workload is reached through that network\'s gateway)');
    }
    return;
  }
  if (isUnixAddress(address) && opts.unix === false) {
    report.error(at, `"${address}" is a unix:// path, which DNS resolution cannot use; use an IP address or DNS name`);
    return;
  }
  if (isUnixAddress(address)) {
    const bad = checkUnixAddress(address);
    if (bad) report.error(at, bad);
    if (entry.ports && Object.keys(entry.ports).length > 0) {
      report.error([...path, 'ports'], 'a unix:// endpoint has no ports; remove them');
    }
    if (opts.servicePorts && opts.servicePorts.size !== 1) {
      report.error(at, 'a unix:// endpoint needs its ServiceEntry to declare exactly one port');
    }
    return;
  }
  if (isIpAddress(address)) return;
  if (opts.address === 'ip') {
    report.error(at, `"${address}" is not an IP address or unix:// path, which STATIC resolution needs; use DNS resolution for hostnames`);
  } else if (checkDnsName(address)) {
    report.error(at, `"${address}" is not an IP address, a DNS name or a unix:// path`);
  }
}
