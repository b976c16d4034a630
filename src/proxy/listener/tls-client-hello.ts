// Reads SNI and ALPN from the first bytes of a connection, as Envoy's TLS inspector does.

/** What a TLS ClientHello said: the SNI host name and the ALPN protocols, in the client's order. */
export interface ClientHelloInfo {
  readonly serverName?: string;
  readonly alpn: string[];
}

export type ClientHelloResult = 'need_more' | 'not_tls' | ClientHelloInfo;

/** The most bytes the inspector reads before it gives up on a ClientHello (Envoy's default). */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;

/**
 * Parses a ClientHello from the bytes received so far. `need_more` means the bytes are a prefix
 * of a ClientHello; `not_tls` means they cannot be one (or it is malformed, or longer than
 * {@link MAX_CLIENT_HELLO_BYTES}). A ClientHello split over several consecutive handshake records
 * is reassembled; records of any other type before it is complete make it `not_tls`.
 */
export function parseClientHello(data: Buffer): ClientHelloResult {
  const message = reassemble(data);
  if (typeof message === 'string') return message;
  return parseBody(message);
}

/** The ClientHello body (after its 4-byte handshake header), once all its records are in. */
function reassemble(data: Buffer): Buffer | 'need_more' | 'not_tls' {
  if (data.length > 0 && data[0] !== RECORD_HANDSHAKE) return 'not_tls';
  if (data.length > 1 && data[1] !== 3) return 'not_tls';
  const fragments: Buffer[] = [];
  let have = 0;
  let want = -1;
  let offset = 0;
  while (want < 0 || have < want) {
    if (data.length < offset + 5) return data.length >= MAX_CLIENT_HELLO_BYTES ? 'not_tls' : 'need_more';
    if (data[offset] !== RECORD_HANDSHAKE || data[offset + 1] !== 3) return 'not_tls';
    const length = data.readUInt16BE(offset + 3);
    if (length === 0 || length > 16384 + 2048) return 'not_tls';
    const end = offset + 5 + length;
    if (data.length < end) {
      // Check the handshake header as soon as it is visible, so garbage is refused early.
      if (want < 0 && fragments.length === 0 && data.length >= offset + 6 && data[offset + 5] !== HANDSHAKE_CLIENT_HELLO) return 'not_tls';
      return end > MAX_CLIENT_HELLO_BYTES ? 'not_tls' : 'need_more';
    }
    fragments.push(data.subarray(offset + 5, end));
    have += length;
    offset = end;
    if (want < 0 && have >= 4) {
      const head = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return 'not_tls';
      want = 4 + head.readUIntBE(1, 3);
      if (want > MAX_CLIENT_HELLO_BYTES) return 'not_tls';
    }
  }
  const all = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments);
  return all.subarray(4, want);
}

function parseBody(body: Buffer): ClientHelloInfo | 'not_tls' {
  // client_version (2), random (32), then session_id, cipher_suites, compression_methods.
  let p = 34;
  if (body.length < p + 1) return 'not_tls';
  p += 1 + body[p]!;
  if (body.length < p + 2) return 'not_tls';
  p += 2 + body.readUInt16BE(p);
  if (body.length < p + 1) return 'not_tls';
  p += 1 + body[p]!;
  if (p === body.length) return { alpn: [] }; // no extensions at all
  if (body.length < p + 2) return 'not_tls';
  const end = p + 2 + body.readUInt16BE(p);
  if (end > body.length) return 'not_tls';
  p += 2;
  let serverName: string | undefined;
  let alpn: string[] = [];
  while (p + 4 <= end) {
    const type = body.readUInt16BE(p);
    const length = body.readUInt16BE(p + 2);
    const start = p + 4;
    p = start + length;
    if (p > end) return 'not_tls';
    if (type === EXT_SERVER_NAME) serverName = readServerName(body.subarray(start, p));
    else if (type === EXT_ALPN) alpn = readAlpn(body.subarray(start, p));
  }
  return serverName === undefined ? { alpn } : { serverName, alpn };
}

/** The first host_name entry of a server_name extension. */
function readServerName(ext: Buffer): string | undefined {
  if (ext.length < 2) return undefined;
  const end = Math.min(ext.length, 2 + ext.readUInt16BE(0));
  for (let p = 2; p + 3 <= end; ) {
    const type = ext[p]!;
    const length = ext.readUInt16BE(p + 1);
    if (p + 3 + length > end) return undefined;
    if (type === 0) return ext.toString('latin1', p + 3, p + 3 + length).toLowerCase();
    p += 3 + length;
  }
  return undefined;
}

function readAlpn(ext: Buffer): string[] {
  const out: string[] = [];
  if (ext.length < 2) return out;
  const end = Math.min(ext.length, 2 + ext.readUInt16BE(0));
  for (let p = 2; p < end; ) {
    const length = ext[p]!;
    if (p + 1 + length > end) break;
    out.push(ext.toString('latin1', p + 1, p + 1 + length));
    p += 1 + length;
  }
  return out;
}
