#!/usr/bin/env node
// An unmodified grpc-js-xds XdsServer, run as its own process by the proxyless server e2e tests:
// it serves echo.Echo (Hello and Forbidden) on 127.0.0.1:<--port> once the control plane has sent
// its server listener, and prints {"serving": port} then. The bootstrap comes from
// GRPC_XDS_BOOTSTRAP; RBAC needs GRPC_XDS_EXPERIMENTAL_RBAC=true, as for any grpc-js-xds server.
// With --xds-creds it serves with XdsServerCredentials (insecure fallback), so a listener with a
// DownstreamTlsContext makes it serve mTLS with the bootstrap's certificate providers.
// It exits on SIGTERM or SIGINT (the xDS client keeps the event loop alive, so it exits explicitly).
import * as grpc from '@grpc/grpc-js';
import * as xds from '@grpc/grpc-js-xds';
import { loadRbacEcho, type HelloReply, type HelloRequest } from './rbac-echo-service.js';

xds.register();

const i = process.argv.indexOf('--port');
const port = Number(i >= 0 ? process.argv[i + 1] : NaN);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write('usage: xds-echo-server --port PORT [--xds-creds]\n');
  process.exit(2);
}

const { service } = loadRbacEcho();
// A short drain, so connections of a replaced listener close quickly instead of in 10 minutes.
const server = new xds.XdsServer({ drainGraceTimeMs: 100 });
const answer = (method: string) => (call: grpc.ServerUnaryCall<HelloRequest, HelloReply>, cb: grpc.sendUnaryData<HelloReply>) =>
  cb(null, { message: `${method} ${call.request.name ?? ''}` });
server.addService(service, { Hello: answer('Hello'), Forbidden: answer('Forbidden') });
const insecure = grpc.ServerCredentials.createInsecure();
const credentials = process.argv.includes('--xds-creds') ? new xds.XdsServerCredentials(insecure) : insecure;
server.bindAsync(`127.0.0.1:${port}`, credentials, (err, bound) => {
  if (err) {
    process.stderr.write(`bind failed: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ serving: bound })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.forceShutdown();
    process.exit(0);
  });
}
