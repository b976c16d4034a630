// VirtualService TCP and TLS rules: L4 matches, SNI hosts and their destinations.
import type { FieldPath, VirtualServiceSpec } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkWildcardDomain, isIpAddress } from './common/index.js';
import { isHostSubsetOf } from './common/service-host.js';
import { validateRouteDestinations } from './virtual-service-destination.js';
import { validateL4Match, type RouteContext } from './virtual-service-match.js';

type TcpRoute = NonNullable<VirtualServiceSpec['tcp']>[number];
type TlsRoute = NonNullable<VirtualServiceSpec['tls']>[number];

/** Reports every problem of one TCP rule, at `path` (`spec.tcp[0]`). */
export function validateTcpRoute(tcp: TcpRoute, path: FieldPath, report: Reporter): void {
  (tcp.match ?? []).forEach((m, j) => {
    if (m && typeof m === 'object') validateL4Match(m, [...path, 'match', j], report);
  });
  if ((tcp.route?.length ?? 0) === 0) report.error([...path, 'route'], 'a TCP rule needs at least one route destination');
  validateRouteDestinations(tcp.route, [...path, 'route'], report);
}

/**
 * Reports every problem of one TLS rule, at `path` (`spec.tls[0]`). A TLS rule routes on SNI, so
 * each match names SNI hosts, and each of them must be within one of the VirtualService's hosts.
 */
export function validateTlsRoute(tls: TlsRoute, path: FieldPath, ctx: RouteContext, report: Reporter): void {
  // A missing match or sniHosts list is reported by the schema, which requires both.
  if (tls.match?.length === 0) report.error([...path, 'match'], 'a TLS rule needs at least one match with sniHosts');
  (tls.match ?? []).forEach((m, j) => {
    if (!m || typeof m !== 'object') return;
    const at = [...path, 'match', j];
    if (m.sniHosts?.length === 0) report.error([...at, 'sniHosts'], 'a TLS match needs at least one SNI host');
    (m.sniHosts ?? []).forEach((sni, k) => {
      if (typeof sni === 'string') validateSniHost(sni, [...at, 'sniHosts', k], ctx, report);
    });
    validateL4Match(m, at, report);
  });
  if ((tls.route?.length ?? 0) === 0) report.error([...path, 'route'], 'a TLS rule needs at least one route destination');
  validateRouteDestinations(tls.route, [...path, 'route'], report);
}

function validateSniHost(sni: string, path: FieldPath, ctx: RouteContext, report: Reporter): void {
  const bad = checkWildcardDomain(sni);
  if (bad) {
    if (isIpAddress(sni)) report.warning(path, `"${sni}" is an IP address, which SNI does not allow and most clients never send`);
    else report.error(path, `invalid SNI host: ${bad}`);
    return;
  }
  if (!ctx.hosts.some((host) => isHostSubsetOf(sni, host))) {
    report.error(path, `SNI host "${sni}" is not within any host of this VirtualService (${ctx.hosts.join(', ') || 'none'})`);
  }
}
