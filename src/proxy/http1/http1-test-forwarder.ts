// Test support only: the smallest forwarder joining the server codec to the client codec, so the
// codecs can be measured and tested end to end without the connection manager.
import type { DownstreamExchange, UpstreamClient, UpstreamError, UpstreamResponseHandler } from '../http/exchange.js';
import { HeaderMap } from '../http/headers.js';
import type { BodySource } from '../http/body.js';
import type { ResponseHead } from '../http/message.js';

class Forward implements UpstreamResponseHandler {
  constructor(private readonly ex: DownstreamExchange) {}

  onResponse(head: ResponseHead, body: BodySource): void {
    const sink = this.ex.respond(head, body.empty);
    if (body.empty) body.discard();
    else body.pipe(sink);
  }

  onError(err: UpstreamError): void {
    if (this.ex.responded) this.ex.reset();
    else this.ex.respond({ status: 503, reason: '', headers: new HeaderMap(['x-failure', err.failure, 'content-length', '0']) }, true);
  }
}

/** An `onExchange` that sends every request to `upstream` and its response back. */
export function createTestForwarder(upstream: UpstreamClient): (ex: DownstreamExchange) => void {
  return (ex) => {
    const req = upstream.request(ex.head, new Forward(ex));
    ex.body.pipe(req.body);
    ex.onAbort(() => req.cancel());
  };
}
