// Resets an HTTP/2 stream with RST_STREAM alone. node:http2's `close(code)` ends the writable side
// first, so the peer reads END_STREAM and takes a truncated body for a complete one; `destroy()`
// sends only the RST_STREAM: CANCEL for node's own AbortError, INTERNAL_ERROR for any other error.
import type { Http2Stream } from 'node:http2';
import { PassThrough, addAbortSignal } from 'node:stream';

/** node:http2 checks `instanceof` its internal AbortError; borrow the class from a stream it aborts. */
const AbortErrorClass: (new (message?: string) => Error) | undefined = (() => {
  const probe = new PassThrough();
  probe.on('error', () => {});
  addAbortSignal(AbortSignal.abort(), probe);
  const err = probe.errored;
  return err?.name === 'AbortError' ? (err.constructor as new (message?: string) => Error) : undefined;
})();

/** The reset codes the codec sends. */
export type ResetCode = 'cancel' | 'internal_error';

/** Sends RST_STREAM with `code` unless the stream is already gone; never sends END_STREAM first. */
export function resetStream(stream: Http2Stream, code: ResetCode): void {
  if (stream.destroyed) return;
  if (code === 'cancel' && AbortErrorClass !== undefined) stream.destroy(new AbortErrorClass('stream cancelled'));
  else stream.destroy(new Error(`stream reset (${code})`));
}
