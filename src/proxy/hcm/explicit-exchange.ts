// A downstream exchange seen through a different connection: the explicit-mode proxy hands a
// proxied request to the target port's connection manager as if it had arrived there.
import type { Duplex } from 'node:stream';
import type { BodySink, BodySource } from '../http/body.js';
import type { ConnectionInfo, DownstreamExchange } from '../http/exchange.js';
import type { RequestHead, ResponseHead } from '../http/message.js';

export class RetargetedExchange implements DownstreamExchange {
  constructor(private readonly inner: DownstreamExchange, readonly connection: ConnectionInfo) {}

  get head(): RequestHead {
    return this.inner.head;
  }
  get body(): BodySource {
    return this.inner.body;
  }
  get headBytes(): number {
    return this.inner.headBytes;
  }
  get responded(): boolean {
    return this.inner.responded;
  }
  respond(head: ResponseHead, endStream: boolean): BodySink {
    return this.inner.respond(head, endStream);
  }
  reset(): void {
    this.inner.reset();
  }
  onAbort(fn: (err: Error) => void): void {
    this.inner.onAbort(fn);
  }
  /** The inner exchange's upgrade, so WebSocket upgrades work through the explicit proxy too. */
  get upgrade(): (() => Duplex) | undefined {
    return this.inner.upgrade?.bind(this.inner);
  }
}
