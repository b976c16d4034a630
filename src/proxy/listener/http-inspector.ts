// Tells plaintext HTTP/1.x from HTTP/2 with prior knowledge by the first bytes, as Envoy's
// http_inspector does, so that sniffed ports can choose an HTTP or a TCP filter chain.

/** The protocol names Envoy's http_inspector reports, matched by `application_protocols`. */
export type HttpInspection = 'http/1.1' | 'http/1.0' | 'h2c' | 'need_more' | 'unknown';

/** The longest request line the inspector waits for before it gives up. */
export const MAX_INSPECTED_REQUEST_LINE = 8192;

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;

// RFC 9110 tchar: the characters a method token may hold.
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/**
 * Inspects the bytes received so far: `h2c` for the HTTP/2 connection preface, `http/1.1` or
 * `http/1.0` for a well-formed request line (`TOKEN SP target SP HTTP/1.x CRLF`), `need_more`
 * while the bytes are still a prefix of either, `unknown` as soon as they cannot be.
 */
export function inspectHttp(data: Buffer): HttpInspection {
  const prefaceLength = Math.min(data.length, H2_PREFACE.length);
  if (data.compare(H2_PREFACE, 0, prefaceLength, 0, prefaceLength) === 0) {
    return data.length >= H2_PREFACE.length ? 'h2c' : 'need_more';
  }
  return inspectRequestLine(data);
}

function inspectRequestLine(data: Buffer): HttpInspection {
  const limit = Math.min(data.length, MAX_INSPECTED_REQUEST_LINE);
  let p = 0;
  while (p < limit && data[p]! < 128 && TCHAR[data[p]!] === 1) p++;
  if (p === limit) return need(data, p);
  if (p === 0 || data[p] !== SP) return 'unknown';
  const targetStart = ++p;
  while (p < limit && data[p]! > SP && data[p] !== 0x7f) p++;
  if (p === limit) return need(data, p);
  if (p === targetStart || data[p] !== SP) return 'unknown';
  p++;
  const version = 'HTTP/1.';
  for (let i = 0; i < version.length; i++, p++) {
    if (p === limit) return need(data, p);
    if (data[p] !== version.charCodeAt(i)) return 'unknown';
  }
  if (p === limit) return need(data, p);
  const minor = data[p++];
  if (minor !== 0x30 && minor !== 0x31) return 'unknown';
  if (p === limit) return need(data, p);
  if (data[p] === CR) {
    if (++p === limit) return need(data, p);
  }
  if (data[p] !== LF) return 'unknown';
  return minor === 0x31 ? 'http/1.1' : 'http/1.0';
}

/** More bytes could still make a request line, unless the inspector has already read its fill. */
function need(data: Buffer, consumed: number): HttpInspection {
  return consumed >= MAX_INSPECTED_REQUEST_LINE || data.length >= MAX_INSPECTED_REQUEST_LINE ? 'unknown' : 'need_more';
}
