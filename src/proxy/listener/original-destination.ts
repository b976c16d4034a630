// Where a redirected connection was going: the reader contract, and explicit mode's reader.
import type { Socket } from 'node:net';
import type { SocketAddress } from './connection-handler.js';

/**
 * Reads a socket's original destination. Interception provides the SO_ORIGINAL_DST reader;
 * undefined means the socket has none (not redirected, or not readable).
 */
export type OriginalDestinationReader = (socket: Socket) => SocketAddress | undefined;

/** Explicit mode (no capture): the destination is the address and port the socket was accepted on. */
export const localAddressAsOriginalDestination: OriginalDestinationReader = (socket) =>
  socket.localAddress !== undefined && socket.localPort !== undefined
    ? { address: unmapIpv4(socket.localAddress), port: socket.localPort }
    : undefined;

/** `::ffff:10.0.0.1` as `10.0.0.1`, since a dual-stack listener reports IPv4 peers that way. */
export function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The socket's original destination by `reader`, or undefined when there is none or it is the
 * listener itself: a connection made straight to a capture port reads back as its own address
 * (FINDINGS.md), and dispatching it there would loop.
 */
export function readOriginalDestination(socket: Socket, reader: OriginalDestinationReader, listenerAddress: string, listenerPort: number): SocketAddress | undefined {
  const found = reader(socket);
  if (!found || found.port !== listenerPort) return found;
  const address = unmapIpv4(found.address);
  const local = socket.localAddress === undefined ? undefined : unmapIpv4(socket.localAddress);
  const self = address === local || address === listenerAddress || isWildcard(listenerAddress);
  return self ? undefined : found;
}

/** Whether the listener address means every local address (`0.0.0.0`, `::`). */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}
