// Recognises the HTTP/2 client connection preface, so the protocol sniffer can tell h2c prior
// knowledge from HTTP/1.1 on a plaintext socket.

/** The 24 bytes every HTTP/2 client sends first (RFC 9113 §3.4). */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Whether `buf` (the first bytes read from a connection) starts with the HTTP/2 client preface:
 * `yes` once all 24 bytes match, `no` as soon as one byte differs, `need_more` while every byte
 * so far matches but fewer than 24 have arrived.
 */
export function isHttp2Preface(buf: Buffer): 'yes' | 'no' | 'need_more' {
  const n = Math.min(buf.length, HTTP2_PREFACE.length);
  for (let i = 0; i < n; i++) if (buf[i] !== HTTP2_PREFACE[i]) return 'no';
  return n === HTTP2_PREFACE.length ? 'yes' : 'need_more';
}
