// The protocol-neutral request and response heads that every codec (HTTP/1.1, HTTP/2) produces and
// that the filters and the router read and change.
import type { HeaderMap } from './headers.js';

export type HttpProtocol = 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2';

/** A request head. `path` includes the query string, as on the wire (origin form). */
export interface RequestHead {
  method: string;
  path: string;
  /** Host header (HTTP/1.1) or :authority (HTTP/2), as sent. */
  authority: string;
  scheme: 'http' | 'https';
  protocol: HttpProtocol;
  /** Every other header field; HTTP/2 pseudo-headers and `host` are not in it. */
  headers: HeaderMap;
  /**
   * The request-target form when it was not origin-form (HTTP/1.1): `absolute` for
   * `http://host/path` (explicit-mode proxying; `authority` and `path` come from it), `authority`
   * for CONNECT, `asterisk` for `OPTIONS *`. Undefined means origin-form.
   */
  targetForm?: 'absolute' | 'authority' | 'asterisk';
}

export interface ResponseHead {
  status: number;
  /** Reason phrase for HTTP/1.1; empty means the standard one. */
  reason: string;
  headers: HeaderMap;
}
