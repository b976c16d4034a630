// The flags that name a workload and its identity, parsed the same way by `heddle sidecar`,
// `heddle gateway` and `heddle agent`; each error names its flag.
import { InvalidArgumentError } from 'commander';
import { isIP } from 'node:net';
import { parseDuration } from '../../galley/validation/common/duration.js';

/** A `host:port` flag (`[v6]:port` for IPv6), naming the flag when the value is wrong. */
export function parseHostPort(flag: string): (value: string) => string {
  return (value) => {
    const colon = value.lastIndexOf(':');
    const host = value.slice(0, colon);
    const port = Number(value.slice(colon + 1));
    if (colon <= 0 || host === '[]' || value.slice(colon + 1) === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${flag} must be HOST:PORT, got "${value}"`);
    }
    return value;
  };
}

/** `--ip`: an IPv4 or IPv6 address. */
export function parseIpFlag(value: string): string {
  if (isIP(value) === 0) throw new Error(`--ip must be an IP address, got "${value}"`);
  return value;
}

/** `--label` values (`k=v`, repeatable or comma-separated) into labels; a malformed pair is an error naming it. */
export function parseLabelFlags(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of values.flatMap((v) => v.split(',')).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--label must be key=value, got "${pair}"`);
    labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return labels;
}

/** `--cert-ttl`: a duration of at least 1s, in ms. */
export function parseCertTtlFlag(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || !(ms >= 1000)) throw new Error(`--cert-ttl must be a duration of at least 1s such as "24h", got "${value}"`);
  return ms;
}

/**
 * A port flag that `--no-…` turns off (commander gives false then), as an options entry:
 * `{[key]: port}`, or nothing when off.
 */
export function optionalPort<K extends string>(key: K, value: number | false): Partial<Record<K, number>> {
  return value === false ? {} : ({ [key]: value } as Record<K, number>);
}

/**
 * `--app-metrics PORT[/PATH]`: where the app serves its Prometheus metrics on loopback, as Istio
 * reads `prometheus.io/port` and `prometheus.io/path` (default `/metrics`).
 */
export function parseAppMetricsFlag(value: string): { port: number; path: string } {
  const m = /^(\d{1,5})(\/\S*)?$/.exec(value.trim());
  const port = Number(m?.[1]);
  if (!m || port < 1 || port > 65535) throw new InvalidArgumentError(`--app-metrics must be PORT or PORT/PATH (9090, 9090/metrics), got "${value}"`);
  return { port, path: m[2] ?? '/metrics' };
}
