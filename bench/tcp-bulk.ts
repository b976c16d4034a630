// A bulk TCP transfer for the TCP benchmark: N connections each send a fixed number of bytes to the
// TCP sink (which answers the count it received on half-close); the result is MB/s over all of them.
import { connect, type Socket } from 'node:net';

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

export interface BulkResult {
  readonly mbPerS: number;
  readonly bytes: number;
}

/** Opens a connection to `host:port`; with `connectTo`, first opens an HTTP CONNECT tunnel to it. */
function open(host: string, port: number, connectTo: string | undefined, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, allowHalfOpen: true });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`connect to ${host}:${port} timed out`)), timeoutMs);
    socket.once('error', fail);
    socket.once('connect', () => {
      if (!connectTo) {
        clearTimeout(timer);
        socket.off('error', fail);
        return resolve(socket);
      }
      socket.write(`CONNECT ${connectTo} HTTP/1.1\r\nHost: ${connectTo}\r\n\r\n`);
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.pause();
        clearTimeout(timer);
        socket.off('error', fail);
        if (!/^HTTP\/1\.[01] 200/.test(head)) return fail(new Error(`CONNECT ${connectTo} answered: ${head.split('\r\n')[0]}`));
        if (end + 4 < head.length) return fail(new Error('unexpected bytes after the CONNECT response'));
        resolve(socket);
      };
      socket.on('data', onData);
    });
  });
}

/** Sends `bytes` on `socket` with backpressure, half-closes, and resolves with the sink's count. */
function transfer(socket: Socket, bytes: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`transfer timed out after ${sent} bytes`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (c: Buffer) => (reply += c.toString('latin1')));
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(reply.trim()));
    });
    socket.resume();
    const pump = () => {
      while (sent < bytes) {
        sent += CHUNK.length;
        if (!socket.write(CHUNK)) return void socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  });
}

/**
 * Runs `connections` parallel transfers of `bytesEach` through `host:port` (via CONNECT to
 * `connectTo` when given) and checks every byte arrived; rejects after `timeoutMs`.
 */
export async function runBulkTransfer(host: string, port: number, connectTo: string | undefined, connections: number, bytesEach: number, timeoutMs = 30_000): Promise<BulkResult> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(host, port, connectTo, 5000)));
  const started = performance.now();
  const counts = await Promise.all(sockets.map((s) => transfer(s, bytesEach, timeoutMs)));
  const seconds = (performance.now() - started) / 1000;
  const expected = Math.ceil(bytesEach / CHUNK.length) * CHUNK.length;
  const short = counts.filter((c) => c !== expected);
  if (short.length > 0) throw new Error(`sink received ${short.join(', ')} bytes instead of ${expected}`);
  const total = expected * connections;
  return { mbPerS: total / (1024 * 1024) / seconds, bytes: total };
}
