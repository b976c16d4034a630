// The application's own metrics for the agent port's merged exposition, as Istio's agent merges
// them when a pod says where they are (`prometheus.io/port`, `prometheus.io/path`): read from the
// app on loopback at each scrape, with a bound on how long that may take.
import { request } from 'node:http';

/** Where the app serves its Prometheus metrics. */
export interface AppMetricsTarget {
  readonly port: number;
  /** `/metrics` by default. */
  readonly path?: string;
  /** `127.0.0.1` by default: the app listens beside the proxy. */
  readonly host?: string;
}

/** The longest an app's answer may take: what the scraper allows, else this. */
const DEFAULT_TIMEOUT_MS = 5000;
/** An exposition larger than this is refused, so a broken app cannot swell the proxy. */
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * Reads the app's exposition at `target`; rejects on a connection error, a status other than 200,
 * an answer over 8 MB, or no full answer within `timeoutMs`.
 */
export function fetchAppMetrics(target: AppMetricsTarget, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: target.host ?? '127.0.0.1', port: target.port, path: target.path ?? '/metrics', headers: { accept: 'text/plain' }, timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`the app answered ${res.statusCode} for its metrics`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) req.destroy(new Error(`the app's metrics exceed ${MAX_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    // The whole answer must come within the bound, not only each gap between its bytes.
    const deadline = setTimeout(() => req.destroy(new Error(`the app's metrics took over ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new Error(`the app's metrics took over ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The scrape timeout Prometheus sends (`X-Prometheus-Scrape-Timeout-Seconds`), in ms, if valid. */
export function scrapeTimeoutMs(header: string | string[] | undefined): number | undefined {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 60_000) : undefined;
}
