// Proof that the Heddle pair's mTLS path really runs mutual TLS, and its plaintext path does not:
// the server sidecar's istio_requests_total by connection_security_policy, before and after a few
// requests on each path. The benchmark stops if either path is not what its name says.

/** Requests the server sidecar reported (reporter="destination"), by connection_security_policy. */
export interface SecurityCounts {
  readonly mutualTls: number;
  readonly none: number;
}

/** The SPIFFE ID the client sidecar's certificate carries (trust domain cluster.local, namespace default). */
export const CLIENT_PRINCIPAL = 'spiffe://cluster.local/ns/default/sa/client';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Sums the samples of `metric` in Prometheus text exposition whose labels include every name and
 * value in `labels` (label values compared after unescaping); 0 when none match.
 */
export function sumMetric(text: string, metric: string, labels: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const m = SAMPLE.exec(line);
    if (!m || m[1] !== metric) continue;
    const have = new Map<string, string>();
    for (const l of (m[2] ?? '').matchAll(LABEL)) have.set(l[1]!, l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}

/** The server-side request counts of a `/stats/prometheus` page, by security policy. */
export function securityCounts(text: string): SecurityCounts {
  const count = (policy: string, extra: Record<string, string> = {}) =>
    sumMetric(text, 'istio_requests_total', { reporter: 'destination', connection_security_policy: policy, ...extra });
  return { mutualTls: count('mutual_tls', { source_principal: CLIENT_PRINCIPAL }), none: count('none') };
}

/** The verdict on one path: `ok`, or why the path is not what it claims. */
export type SecurityVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Judges `sent` successful requests on one path from the counts before and after them: an mTLS
 * path must have added exactly `sent` mutual_tls requests from the client's principal and no
 * plaintext ones; a plaintext path the reverse. `sent` must be positive.
 */
export function judgeSecurity(expected: 'mutual_tls' | 'none', before: SecurityCounts, after: SecurityCounts, sent: number): SecurityVerdict {
  if (!(sent > 0)) return { ok: false, reason: 'no request reached the server sidecar' };
  const mtls = after.mutualTls - before.mutualTls;
  const plain = after.none - before.none;
  const want = expected === 'mutual_tls' ? { mtls: sent, plain: 0 } : { mtls: 0, plain: sent };
  if (mtls === want.mtls && plain === want.plain) return { ok: true };
  return {
    ok: false,
    reason: `after ${sent} requests the server sidecar counted ${mtls} mutual_tls (from ${CLIENT_PRINCIPAL}) and ${plain} plaintext; expected ${want.mtls} and ${want.plain}`,
  };
}

async function readCounts(statsUrl: string): Promise<SecurityCounts> {
  const res = await fetch(statsUrl, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${statsUrl} answered ${res.status}`);
  return securityCounts(await res.text());
}

/**
 * Sends requests on one path with `send` (resolving with how many succeeded) and throws unless the
 * server sidecar at `statsUrl` counted them under `expected`. Metrics are read again a few times
 * over at most `settleMs`, since the server records a request just after answering it.
 */
export async function assertPathSecurity(statsUrl: string, path: string, expected: 'mutual_tls' | 'none', send: () => Promise<number> | number, settleMs = 2000): Promise<void> {
  const before = await readCounts(statsUrl);
  const sent = await send();
  const deadline = performance.now() + settleMs;
  let verdict = judgeSecurity(expected, before, await readCounts(statsUrl), sent);
  while (!verdict.ok && sent > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    verdict = judgeSecurity(expected, before, await readCounts(statsUrl), sent);
  }
  if (!verdict.ok) throw new Error(`${path}: not ${expected === 'mutual_tls' ? 'mutual TLS' : 'plaintext'} between the sidecars: ${verdict.reason}`);
}
