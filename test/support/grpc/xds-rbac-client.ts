#!/usr/bin/env node
// An unmodified grpc-js + grpc-js-xds client of echo.Echo (Hello), run as its own process by the
// proxyless mTLS e2e test, so that each client has its own bootstrap (GRPC_XDS_BOOTSTRAP).
// Arguments: --target xds:///host:port, --calls N (default 1), --deadline-ms D (default 3000),
// --xds-creds (XdsChannelCredentials with an insecure fallback; without it, insecure).
// It prints one JSON line per call, {"code": 0} or {"code": 7, "details": "..."}, then exits:
// the xDS client keeps the event loop alive, so it exits explicitly.
import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { loadRbacEcho } from './rbac-echo-service.js';

xds.register();

const args = process.argv.slice(2);
function arg(name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

const target = arg('target', '');
const calls = Number(arg('calls', '1'));
const deadlineMs = Number(arg('deadline-ms', '3000'));
if (!target || !Number.isInteger(calls) || calls < 1 || calls > 100) {
  process.stderr.write('usage: xds-rbac-client --target xds:///host:port [--calls 1-100] [--deadline-ms D] [--xds-creds]\n');
  process.exit(2);
}
const insecure = grpc.credentials.createInsecure();
const credentials = args.includes('--xds-creds') ? new xds.XdsChannelCredentials(insecure) : insecure;

const { Client } = loadRbacEcho();
const client = new Client(target, credentials);

function hello(): Promise<{ code: number; details?: string }> {
  return new Promise((resolve) =>
    client.Hello({ name: 'mtls' }, { deadline: Date.now() + deadlineMs }, (err) => resolve(err ? { code: err.code, details: err.details } : { code: grpc.status.OK })),
  );
}

for (let i = 0; i < calls; i++) process.stdout.write(`${JSON.stringify(await hello())}\n`);
client.close();
process.exit(0);
