// Small node:http helpers shared by the admin and stats servers: loopback checks, listen, close, reply.
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

export const TEXT = 'text/plain; charset=UTF-8';
export const JSON_TYPE = 'application/json';
export const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Whether `address` is a loopback IP (127.0.0.0/8, ::1, or a v4-mapped 127.x) or `localhost`. */
export function isLoopbackAddress(address: string): boolean {
  if (address === 'localhost') return true;
  const v = isIP(address);
  if (v === 4) return address.startsWith('127.');
  if (v === 6) {
    const a = address.toLowerCase();
    return a === '::1' || a === '0:0:0:0:0:0:0:1' || (a.startsWith('::ffff:') && a.slice(7).startsWith('127.'));
  }
  return false;
}

/** Starts `server` listening; resolves with the bound address (port 0 picks a free port). */
export function listen(server: Server, port: number, address: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops `server` and drops its idle keep-alive connections; resolves once it is closed. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

/** Sends a complete response. */
export function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
