#!/usr/bin/env node
// An unmodified grpc-js + grpc-js-xds client, run as its own process by the proxyless e2e tests.
// It makes calls to an xds:/// target and prints one JSON line per call:
//   {"i": 0, "t": 12, "server": "v1"}  or  {"i": 1, "t": 15, "error": "UNAVAILABLE", "details": "..."}
// then a final {"done": true, ...tallies}. Arguments (all --key value):
//   --target xds:///host:port   --calls N   --concurrency C   --deadline-ms D
//   --interval-ms I (pause between calls of one worker)   --header k=v (repeatable)
//   --stagger-ms S (worker w starts after w × S ms: grpc-js counts a call against the circuit
//   breaker only once it has started, so calls picked in the same instant are not limited)
//   --warmup N (calls made one by one before the measured ones, not reported; the channel is
//   then ready, so later calls are picked as they are made rather than all at once)
// The bootstrap comes from GRPC_XDS_BOOTSTRAP, as for any grpc-js-xds app.
import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { loadEcho } from './echo-service.js';

xds.register();

const args = process.argv.slice(2);
function arg(name: string, fallback?: string): string {
  const i = args.indexOf(`--${name}`);
  if (i >= 0 && args[i + 1] !== undefined) return args[i + 1]!;
  if (fallback === undefined) throw new Error(`missing --${name}`);
  return fallback;
}
const headers = args.flatMap((a, i) => (a === '--header' && args[i + 1] ? [args[i + 1]!] : []));

const target = arg('target');
const calls = Number(arg('calls', '100'));
const concurrency = Number(arg('concurrency', '10'));
const deadlineMs = Number(arg('deadline-ms', '5000'));
const intervalMs = Number(arg('interval-ms', '0'));
const warmup = Number(arg('warmup', '0'));
const staggerMs = Number(arg('stagger-ms', '0'));

const { Client } = loadEcho();
const client = new Client(target, grpc.credentials.createInsecure());
const started = Date.now();
const byServer: Record<string, number> = {};
const byError: Record<string, number> = {};
let next = 0;

function callOnce(i: number, report = true): Promise<void> {
  return new Promise((resolve) => {
    const meta = new grpc.Metadata();
    for (const h of headers) {
      const eq = h.indexOf('=');
      meta.set(h.slice(0, eq), h.slice(eq + 1));
    }
    client.Call({}, meta, { deadline: Date.now() + deadlineMs }, (err, reply) => {
      const t = Date.now() - started;
      if (!report) return resolve();
      if (err) {
        const code = grpc.status[err.code] ?? String(err.code);
        byError[code] = (byError[code] ?? 0) + 1;
        process.stdout.write(`${JSON.stringify({ i, t, error: code, details: err.details })}\n`);
      } else {
        const server = reply?.server_id ?? '?';
        byServer[server] = (byServer[server] ?? 0) + 1;
        process.stdout.write(`${JSON.stringify({ i, t, server })}\n`);
      }
      resolve();
    });
  });
}

async function worker(_: unknown, w: number): Promise<void> {
  if (staggerMs > 0) await new Promise((r) => setTimeout(r, w * staggerMs));
  while (next < calls) {
    await callOnce(next++);
    if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
  }
}

for (let w = 0; w < warmup; w++) await callOnce(-1, false);
await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
process.stdout.write(`${JSON.stringify({ done: true, byServer, byError, ms: Date.now() - started })}\n`);
client.close();
// grpc-js-xds keeps its control-plane stream open after close(), so end the process explicitly.
process.exit(0);
