// A redirected socket's original destination (SO_ORIGINAL_DST), read with libc's getsockopt
// through koffi, with the loop guard: a socket whose "original" destination is itself was not
// redirected at all.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { parseSockaddr, unmapIpv4, type SocketAddress } from './sockaddr.js';

/** Reads a socket's original destination; structurally the proxy's `OriginalDestinationReader`. */
export type OriginalDestinationReader = (socket: Socket) => SocketAddress | undefined;

/** `getsockopt(fd, level, name, buf, &len)`; returns the bytes written, or undefined on failure. */
export type GetSockopt = (fd: number, level: number, name: number, size: number) => Uint8Array | undefined;

const SOL_IP = 0;
const SOL_IPV6 = 41;
/** SO_ORIGINAL_DST and IP6T_SO_ORIGINAL_DST share the value 80. */
const SO_ORIGINAL_DST = 80;
/** Room for a sockaddr_in6 (28 bytes), the larger of the two. */
const SOCKADDR_SIZE = 28;

/**
 * The SO_ORIGINAL_DST reader. It asks IPv4 first for IPv4 and v4-mapped sockets (a dual-stack
 * listener on `::` still answers in IPv4 for them), IPv6 first otherwise, then the other level.
 * Undefined when the socket has no fd, neither level answers, or the answer is the socket's own
 * local address and port: a connection made straight to the capture port reads back as itself,
 * and forwarding it there would loop.
 */
export function createOriginalDestinationReader(getsockopt: GetSockopt = libcGetsockopt()): OriginalDestinationReader {
  return (socket) => {
    const fd = socketFd(socket);
    if (fd === undefined) return undefined;
    const local = socket.localAddress === undefined ? undefined : unmapIpv4(socket.localAddress);
    const levels = local === undefined || local.includes('.') ? [SOL_IP, SOL_IPV6] : [SOL_IPV6, SOL_IP];
    for (const level of levels) {
      const bytes = getsockopt(fd, level, SO_ORIGINAL_DST, SOCKADDR_SIZE);
      const found = bytes && parseSockaddr(bytes);
      if (!found) continue;
      return isLoop(found, local, socket.localPort) ? undefined : found;
    }
    return undefined;
  };
}

/** Whether `destination` is the socket's own local address and port. */
export function isLoop(destination: SocketAddress, localAddress: string | undefined, localPort: number | undefined): boolean {
  return localAddress !== undefined && destination.port === localPort && unmapIpv4(destination.address) === unmapIpv4(localAddress);
}

/** The file descriptor behind a net.Socket (Linux: `_handle.fd`); undefined when there is none. */
function socketFd(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

/**
 * libc's getsockopt, bound on first use so that merely importing this module loads nothing: koffi
 * (a native module, about 1 MB of RSS) is required only by a sidecar that reads a redirected socket.
 */
function libcGetsockopt(): GetSockopt {
  type Call = (fd: number, level: number, name: number, buf: Buffer, len: number[]) => number;
  let call: Call | undefined;
  return (fd, level, name, size) => {
    call ??= (createRequire(import.meta.url)('koffi') as typeof import('koffi')).load('libc.so.6').func('int getsockopt(int fd, int level, int name, _Out_ uint8_t *buf, _Inout_ uint32_t *len)') as unknown as Call;
    const buf = Buffer.alloc(size);
    return call(fd, level, name, buf, [size]) === 0 ? buf : undefined;
  };
}
