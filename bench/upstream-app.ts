// The benchmarks' upstream, run as its own process: `node upstream-app.js KIND` starts a small
// server on 127.0.0.1 (port 0) and prints `{"port": N}` on stdout. KIND is `http1` (a 12-byte
// HTTP/1.1 answer), `h2c` (the same over cleartext HTTP/2) or `tcp-sink` (reads everything; for
// each connection, answers the byte count when the client half-closes).
import { createServer as createHttpServer } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import { createServer as createTcpServer, type Server } from 'node:net';

const BODY = Buffer.from('hello world\n');

function http1(): Server {
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  });
  server.keepAliveTimeout = 120_000;
  return server;
}

function h2c(): Server {
  const server = createH2Server({ peerMaxConcurrentStreams: 1000 }, (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  });
  return server as unknown as Server;
}

function tcpSink(): Server {
  return createTcpServer({ allowHalfOpen: true }, (socket) => {
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('end', () => socket.end(`${bytes}\n`));
    socket.on('error', () => socket.destroy());
  });
}

const kind = process.argv[2];
const server = kind === 'http1' ? http1() : kind === 'h2c' ? h2c() : kind === 'tcp-sink' ? tcpSink() : undefined;
if (!server) {
  process.stderr.write(`usage: upstream-app.js http1|h2c|tcp-sink\n`);
  process.exit(2);
}
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
