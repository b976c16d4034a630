// An HTTP client for e2e tests that sends absolute-form requests through a sidecar's outbound port
// (explicit mode), asynchronously, so apps served by the test process itself can answer.
import { Agent, request } from 'node:http';

export interface ProxyResponse {
  readonly status: number;
  /** Response headers, lowercase keys; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Milliseconds from sending the request to the end of the response body. */
  readonly elapsedMs: number;
  /** True when the request went on a kept-alive connection to the proxy. */
  readonly reusedSocket: boolean;
}

export interface ProxyRequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** A keep-alive agent to reuse connections; a fresh connection per request by default. */
  readonly agent?: Agent;
  /** Gives up after this many ms (default 20 s). */
  readonly timeoutMs?: number;
}

/** `http://127.0.0.10:15001` → the client for that proxy. */
export interface ProxyClient {
  (url: string, options?: ProxyRequestOptions): Promise<ProxyResponse>;
}

/** Makes a client that sends every request to `proxy` (`http://IP:PORT`) in absolute form. */
export function proxyClient(proxy: string): ProxyClient {
  const p = new URL(proxy);
  return (url, options = {}) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const start = performance.now();
      const req = request({
        host: p.hostname,
        port: Number(p.port),
        method: options.method ?? 'GET',
        path: target.href,
        headers: { host: target.host, ...options.headers },
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 20_000,
      });
      req.once('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
      req.once('error', reject);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', reject);
        res.once('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8'), elapsedMs: performance.now() - start, reusedSocket: req.reusedSocket });
        });
      });
      req.end(options.body);
    });
}

/** Runs `count` calls of `fn`, at most `concurrency` at a time, and returns the results in order. */
export async function runConcurrently<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}
