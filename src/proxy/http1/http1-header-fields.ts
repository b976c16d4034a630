// Parses the header-field lines of an HTTP/1.1 head into a HeaderMap: token names lowercased,
// values trimmed of optional whitespace, obs-fold and control characters refused.
import { HeaderMap } from '../http/headers.js';
import { http1Fail, type Http1Result } from './http1-errors.js';

/** tchar of RFC 9110 §5.6.2, indexed by char code. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

/** Whether `s[from, to)` is a non-empty token. */
export function isToken(s: string, from = 0, to = s.length): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** Field names as received → lowercase, so a mixed-case name costs a lookup, not a new string. */
const lowerNames = new Map<string, string>();
/** Distinct spellings remembered; past it the cache starts over (a peer cannot grow it for ever). */
const MAX_LOWER_NAMES = 512;

function lowerName(raw: string): string {
  // Most names arrive lowercase (other sidecars, HTTP/2 peers): a scan is cheaper than hashing a new string.
  let i = 0;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) break;
  }
  if (i === raw.length) return raw;
  let lower = lowerNames.get(raw);
  if (lower === undefined) {
    lower = raw.toLowerCase();
    if (lowerNames.size >= MAX_LOWER_NAMES) lowerNames.clear();
    lowerNames.set(raw, lower);
  }
  return lower;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * Parses the field lines of `text` from `from` to its end; each line ends with CRLF except the
 * last. Returns the fields, or MALFORMED_HEAD / OBS_FOLD / TOO_MANY_HEADERS.
 */
export function parseHeaderFields(text: string, from: number, maxHeaders: number): Http1Result<HeaderMap> {
  const fields: string[] = [];
  const end = text.length;
  let pos = from;
  let count = 0;
  while (pos < end) {
    let eol = text.indexOf('\r\n', pos);
    if (eol < 0) eol = end;
    const first = text.charCodeAt(pos);
    if (isOws(first)) return http1Fail('OBS_FOLD', 'obsolete line folding in header field');
    const colon = text.indexOf(':', pos);
    if (colon < 0 || colon >= eol) return http1Fail('MALFORMED_HEAD', 'header field without a colon');
    if (!isToken(text, pos, colon)) return http1Fail('MALFORMED_HEAD', 'invalid header field name');
    if (++count > maxHeaders) return http1Fail('TOO_MANY_HEADERS', `more than ${maxHeaders} header fields`);
    let vs = colon + 1;
    let ve = eol;
    while (vs < ve && isOws(text.charCodeAt(vs))) vs++;
    while (ve > vs && isOws(text.charCodeAt(ve - 1))) ve--;
    for (let i = vs; i < ve; i++) {
      const c = text.charCodeAt(i);
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) return http1Fail('MALFORMED_HEAD', 'control character in header value');
    }
    fields.push(lowerName(text.slice(pos, colon)), text.slice(vs, ve));
    pos = eol + 2;
  }
  return { ok: true, value: new HeaderMap(fields) };
}
