// The HTTP/1.1 codec's error taxonomy: each parse failure has a stable code and the status a
// server answers it with.

/** Stable codes for what the codec refuses, and the HTTP status a server sends for each. */
export const HTTP1_ERRORS = {
  HEAD_TOO_LARGE: 431,
  TOO_MANY_HEADERS: 431,
  MALFORMED_HEAD: 400,
  BAD_VERSION: 505,
  OBS_FOLD: 400,
  CONFLICTING_FRAMING: 400,
  BAD_CONTENT_LENGTH: 400,
  BAD_TRANSFER_ENCODING: 400,
  UNKNOWN_TRANSFER_CODING: 501,
  BAD_CHUNK: 400,
  HEADERS_TIMEOUT: 408,
} as const;

export type Http1ErrorCode = keyof typeof HTTP1_ERRORS;

/** A message the codec cannot accept. The server answers `status` and closes the connection. */
export class Http1CodecError extends Error {
  readonly status: number;
  constructor(readonly code: Http1ErrorCode, message: string) {
    super(message);
    this.name = 'Http1CodecError';
    this.status = HTTP1_ERRORS[code];
  }
}

/** An expected outcome of parsing: the value, or the reason it was refused. */
export type Http1Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Http1CodecError };

/** Shorthand for a refused result. */
export function http1Fail<T>(code: Http1ErrorCode, message: string): Http1Result<T> {
  return { ok: false, error: new Http1CodecError(code, message) };
}
