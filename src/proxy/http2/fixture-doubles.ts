// Test support only: fake timers and a collecting body sink for the HTTP/2 codec tests.
import type { BodySink } from '../http/body.js';
import type { HeaderMap } from '../http/headers.js';
import type { Http2Timers } from './timers.js';

/** Timers that fire only when a test says so. */
export class FakeTimers implements Http2Timers {
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Fires every pending timer set for `ms`; returns how many fired. */
  fire(ms: number): number {
    let n = 0;
    for (const [id, t] of [...this.pending]) {
      if (t.ms !== ms) continue;
      this.pending.delete(id);
      t.fn();
      n++;
    }
    return n;
  }
}

/** A sink that keeps what it receives; `done` settles on end or abort. */
export class CollectingSink implements BodySink {
  readonly chunks: Buffer[] = [];
  trailers: HeaderMap | undefined;
  aborted: Error | undefined;
  readonly done: Promise<void>;
  private settle!: () => void;

  constructor() {
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }

  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onceDrain(fn: () => void): void {
    fn();
  }

  end(trailers?: HeaderMap): void {
    this.trailers = trailers;
    this.settle();
  }

  abort(err: Error): void {
    this.aborted = err;
    this.settle();
  }
}
