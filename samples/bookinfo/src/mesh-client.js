// Bookinfo's HTTP client and server helpers, with nothing beyond Node: requests go through the
// sidecar given by HTTP_PROXY as absolute-form requests (`GET http://reviews:9080/reviews/0`), and
// the headers Istio's Bookinfo forwards travel with them.
/* global Buffer */
import { request } from 'node:http';
import { createServer } from 'node:http';

/** The headers Istio's productpage forwards: request id, tracing, the user, and credentials. */
export const FORWARDED_HEADERS = [
  'x-request-id', 'x-ot-span-context', 'x-datadog-trace-id', 'x-datadog-parent-id', 'x-datadog-sampling-priority',
  'traceparent', 'tracestate', 'x-cloud-trace-context', 'grpc-trace-bin',
  'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags', 'b3', 'sw8',
  'end-user', 'user-agent', 'cookie', 'authorization', 'jwt',
];

/** The subset of `incoming` headers that Bookinfo forwards downstream. */
export function forwardedHeaders(incoming) {
  const out = {};
  for (const name of FORWARDED_HEADERS) if (incoming[name] !== undefined) out[name] = incoming[name];
  return out;
}

/** The proxy from HTTP_PROXY (or http_proxy), or undefined to connect directly. */
function proxyFromEnv() {
  const value = process.env.HTTP_PROXY || process.env.http_proxy;
  return value ? new URL(value) : undefined;
}

/**
 * GETs `url` (through HTTP_PROXY when set) and resolves with `{status, headers, body}`; rejects
 * on a connection error or when no full answer came within `timeoutMs`.
 */
export function get(url, { headers = {}, timeoutMs = 3000 } = {}) {
  const target = new URL(url);
  const proxy = proxyFromEnv();
  return new Promise((resolve, reject) => {
    const req = request({
      host: proxy ? proxy.hostname : target.hostname,
      port: proxy ? Number(proxy.port || 80) : Number(target.port || 80),
      method: 'GET',
      path: proxy ? target.href : `${target.pathname}${target.search}`,
      headers: { ...headers, host: target.host },
      // A new connection per call keeps the sample simple; the sidecar pools upstream connections.
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.once('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end();
  });
}

/** Sends `value` as JSON. */
export function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Serves `handler` on HOST:PORT (127.0.0.1 and the port `heddle up` chose, where the sidecar
 * forwards inbound requests), and stops cleanly on SIGTERM or SIGINT.
 */
export function serve(name, handler) {
  const port = Number(process.env.PORT || 9080);
  const host = process.env.HOST || '127.0.0.1';
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err) => {
      console.error(`${name}: ${err.stack ?? err}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.listen(port, host, () => console.log(`${name} listening on ${host}:${port}`));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}
