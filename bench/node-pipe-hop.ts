// One hop of a Node pipe pair, run as its own process: `node node-pipe-hop.js LISTEN_HOST
// TARGET_HOST TARGET_PORT [--tls originate|terminate --cert F --key F --ca F [--servername N]]`
// accepts on LISTEN_HOST (port 0), prints `{"port": N}`, and joins each accepted connection to a
// new connection to the target with `pipe` both ways. It reads no byte of what it carries: the
// least work a Node proxy can do per request. With `--tls originate` it takes plaintext and opens
// TLS 1.3 to the target with its certificate, verifying the target's against the CA; with `--tls
// terminate` it accepts TLS 1.3 only from clients whose certificate the CA signed.
import { readFileSync } from 'node:fs';
import { connect as connectTcp, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { connect as connectTls, createServer as createTlsServer, type SecureContextOptions } from 'node:tls';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tls: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, ca: { type: 'string' }, servername: { type: 'string' } },
});
const [listenHost, targetHost, targetPortText] = positionals;
const mode = values.tls ?? 'none';
if (!listenHost || !targetHost || !targetPortText || !['none', 'originate', 'terminate'].includes(mode) || (mode !== 'none' && !(values.cert && values.key && values.ca))) {
  process.stderr.write('usage: node-pipe-hop LISTEN_HOST TARGET_HOST TARGET_PORT [--tls originate|terminate --cert FILE --key FILE --ca FILE [--servername NAME]]\n');
  process.exit(2);
}
const targetPort = Number(targetPortText);
const secure: SecureContextOptions =
  mode === 'none' ? {} : { cert: readFileSync(values.cert!), key: readFileSync(values.key!), ca: readFileSync(values.ca!), minVersion: 'TLSv1.3' };

/** Pipes both ways. Both sides allow half-close, so a peer's end reaches the other side as an end. */
function join(downstream: Socket, upstream: Socket): void {
  downstream.setNoDelay(true);
  upstream.setNoDelay(true);
  const destroy = () => {
    downstream.destroy();
    upstream.destroy();
  };
  downstream.on('error', destroy);
  upstream.on('error', destroy);
  // A clean close has already passed its end on through `pipe`; ending (not destroying) the other
  // side lets it flush what it still holds, such as the TCP sink's closing count.
  downstream.on('close', (hadError) => (hadError ? upstream.destroy() : upstream.end()));
  upstream.on('close', (hadError) => (hadError ? downstream.destroy() : downstream.end()));
  downstream.pipe(upstream);
  upstream.pipe(downstream);
}

// TLS 1.3 session tickets from the target are kept and offered again, as nginx's session reuse does.
let session: Buffer | undefined;
function connectUpstream(): Socket {
  if (mode !== 'originate') return connectTcp({ host: targetHost!, port: targetPort, allowHalfOpen: true });
  const socket = connectTls({ ...secure, host: targetHost!, port: targetPort, servername: values.servername, session });
  socket.on('session', (ticket: Buffer) => (session = ticket));
  return socket;
}

const onConnection = (downstream: Socket) => join(downstream, connectUpstream());
const server: Server =
  mode === 'terminate'
    ? createTlsServer({ ...secure, requestCert: true, rejectUnauthorized: true, allowHalfOpen: true }, onConnection)
    : createTcpServer({ allowHalfOpen: true }, onConnection);
server.listen(0, listenHost, () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
