// Envoy's `/clusters` output, in its text form and its JSON form, from the target's cluster statuses.
import type { ClusterStatus, HostStatus } from './admin-target.js';

/** Envoy's health flag string: `healthy`, or each failed flag with a leading slash. */
export function formatHealthFlags(host: HostStatus): string {
  const flags = host.outlierEjected && !host.healthFlags.includes('failed_outlier_check')
    ? [...host.healthFlags, 'failed_outlier_check']
    : host.healthFlags;
  return flags.length === 0 ? 'healthy' : flags.map((f) => `/${f}`).join('');
}

/** The text form: one `cluster::address:port::stat::value` line per host stat, as Envoy prints it. */
export function formatClustersText(clusters: readonly ClusterStatus[]): string {
  let out = '';
  for (const c of clusters) {
    out += `${c.name}::observability_name::${c.name}\n`;
    for (const h of c.hosts) {
      const p = `${c.name}::${h.address}:${h.port}::`;
      out +=
        `${p}cx_active::${h.cxActive}\n` +
        `${p}rq_active::${h.rqActive}\n` +
        `${p}rq_error::${h.rqError}\n` +
        `${p}rq_total::${h.rqTotal}\n` +
        `${p}hostname::\n` +
        `${p}health_flags::${formatHealthFlags(h)}\n` +
        `${p}weight::${h.weight}\n` +
        `${p}region::${h.locality.region}\n` +
        `${p}zone::${h.locality.zone}\n` +
        `${p}sub_zone::${h.locality.subZone}\n` +
        `${p}canary::false\n` +
        `${p}priority::0\n` +
        `${p}success_rate::-1\n` +
        `${p}local_origin_success_rate::-1\n`;
    }
  }
  return out;
}

/** The JSON form (`?format=json`), shaped like Envoy's `admin.v3.Clusters`. */
export function formatClustersJson(clusters: readonly ClusterStatus[]): object {
  return {
    cluster_statuses: clusters.map((c) => ({
      name: c.name,
      observability_name: c.name,
      host_statuses: c.hosts.map((h) => ({
        address: { socket_address: { address: h.address, port_value: h.port } },
        stats: [
          { name: 'cx_active', type: 'GAUGE', value: String(h.cxActive) },
          { name: 'rq_active', type: 'GAUGE', value: String(h.rqActive) },
          { name: 'rq_error', value: String(h.rqError) },
          { name: 'rq_total', value: String(h.rqTotal) },
        ],
        health_status: {
          eds_health_status: h.healthFlags.includes('failed_eds_health') ? 'UNHEALTHY' : 'HEALTHY',
          ...(h.outlierEjected || h.healthFlags.includes('failed_outlier_check') ? { failed_outlier_check: true } : {}),
        },
        weight: h.weight,
        locality: { region: h.locality.region, zone: h.locality.zone, sub_zone: h.locality.subZone },
      })),
    })),
  };
}
