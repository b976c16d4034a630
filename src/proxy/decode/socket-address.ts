// Envoy's Address as an IP (or host name) and a port; only TCP socket addresses are supported.
import type { Address__Output } from '../../xds/generated/envoy/config/core/v3/Address.js';
import type { DecodeErrors } from './decode-result.js';

/** The address and port of a TCP socket address; undefined (and an error at `path`) otherwise. */
export function decodeSocketAddress(a: Address__Output | null | undefined, errors: DecodeErrors, path: string): { address: string; port: number } | undefined {
  if (!a || a.address !== 'socket_address' || !a.socket_address) {
    errors.add(path, a?.address ? `unsupported address kind ${a.address}` : 'socket_address missing');
    return undefined;
  }
  const s = a.socket_address;
  if (s.protocol !== 'TCP') errors.add(`${path}.socket_address.protocol`, `unsupported protocol ${String(s.protocol)}`);
  if (s.port_specifier === 'named_port') errors.add(`${path}.socket_address.named_port`, 'named ports are not supported');
  if (!s.address) errors.add(`${path}.socket_address.address`, 'address missing');
  return { address: s.address, port: s.port_value ?? 0 };
}
