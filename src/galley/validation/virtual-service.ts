// Semantic validation of VirtualService, as Istio's validating webhook does it.
import type { FieldPath, Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkWildcardDomain, isIpAddress } from './common/index.js';
import { checkExportTo } from './common/export-to.js';
import { hostsOverlap } from './common/service-host.js';
import { validateHttpRoute } from './virtual-service-http.js';
import { validateTcpRoute, validateTlsRoute } from './virtual-service-l4.js';
import { validateGatewayNames, type RouteContext } from './virtual-service-match.js';

const MESH_GATEWAY = 'mesh';

/**
 * Reports every semantic problem of a VirtualService. One without hosts is a delegate: another
 * VirtualService hands it HTTP requests, so it has no gateways and no TCP or TLS rules.
 */
export function validateVirtualService(resource: Resource<'VirtualService'>, report: Reporter): void {
  const spec = resource.spec ?? {};
  const hosts = (spec.hosts ?? []).filter((h): h is string => typeof h === 'string');
  const gateways = (spec.gateways ?? []).filter((g): g is string => typeof g === 'string');
  const ctx: RouteContext = {
    hosts,
    isDelegate: hosts.length === 0,
    gatewaysOnly: gateways.length > 0 && !gateways.includes(MESH_GATEWAY),
  };

  if (ctx.isDelegate) {
    const why = 'a VirtualService without hosts is a delegate';
    if (gateways.length > 0) report.error(['spec', 'gateways'], `${why}, which takes no gateways: add hosts, or remove the gateways`);
    if ((spec.tcp?.length ?? 0) > 0) report.error(['spec', 'tcp'], `${why}, and delegates carry HTTP rules only: add hosts`);
    if ((spec.tls?.length ?? 0) > 0) report.error(['spec', 'tls'], `${why}, and delegates carry HTTP rules only: add hosts`);
  }
  validateGatewayNames(spec.gateways, ['spec', 'gateways'], report);
  validateHosts(hosts, ctx, report);

  if (!spec.http?.length && !spec.tcp?.length && !spec.tls?.length) {
    report.error(['spec'], 'a VirtualService needs at least one http, tcp or tls rule');
  }
  eachRule(spec.http, ['spec', 'http'], (rule, at) => validateHttpRoute(rule, at, ctx, report));
  eachRule(spec.tcp, ['spec', 'tcp'], (rule, at) => validateTcpRoute(rule, at, report));
  eachRule(spec.tls, ['spec', 'tls'], (rule, at) => validateTlsRoute(rule, at, ctx, report));
  checkExportTo(spec.exportTo, resource.metadata.namespace, ['spec', 'exportTo'], report);
}

function eachRule<T>(rules: readonly T[] | undefined, path: FieldPath, check: (rule: T, at: FieldPath) => void): void {
  (rules ?? []).forEach((rule, i) => {
    if (rule && typeof rule === 'object') check(rule, [...path, i]);
  });
}

/**
 * Each host is a wildcard domain, a short name or an IP address. The bare `*` would capture all of
 * the mesh's traffic, so only a VirtualService bound to gateways alone may use it. Hosts must not
 * overlap, as `*.foo.com` and `a.foo.com` do.
 */
function validateHosts(hosts: readonly string[], ctx: RouteContext, report: Reporter): void {
  let allValid = true;
  hosts.forEach((host, i) => {
    const at = ['spec', 'hosts', i];
    const bad = checkWildcardDomain(host);
    if (bad && !isIpAddress(host)) {
      report.error(at, `invalid host: ${bad}`);
      allValid = false;
    } else if (host === '*' && !ctx.gatewaysOnly) {
      report.error(at, 'the host "*" is not allowed when the VirtualService applies to the mesh (no gateways, or "mesh" among them): name the hosts');
      allValid = false;
    }
  });
  if (!allValid) return;
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      if (hostsOverlap(hosts[i]!, hosts[j]!)) {
        report.error(['spec', 'hosts', j], `host "${hosts[j]}" overlaps host "${hosts[i]}": list each host once`);
      }
    }
  }
}
