// One hop of the Node pipe pair, run as its own process: `node node-pipe-hop.js LISTEN_HOST
// TARGET_HOST TARGET_PORT` accepts on LISTEN_HOST (port 0), prints `{"port": N}`, and joins each
// accepted connection to a new connection to the target with `pipe` both ways. It reads no byte
// of what it carries: the least work a Node proxy can do per request.
import { connect, createServer } from 'node:net';

const [listenHost, targetHost, targetPort] = process.argv.slice(2);
if (!listenHost || !targetHost || !targetPort) {
  process.stderr.write('usage: node-pipe-hop LISTEN_HOST TARGET_HOST TARGET_PORT\n');
  process.exit(2);
}

const server = createServer((downstream) => {
  const upstream = connect(Number(targetPort), targetHost);
  downstream.setNoDelay(true);
  upstream.setNoDelay(true);
  const close = () => {
    downstream.destroy();
    upstream.destroy();
  };
  downstream.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
  downstream.pipe(upstream);
  upstream.pipe(downstream);
});
server.listen(0, listenHost, () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
