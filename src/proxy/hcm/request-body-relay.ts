// Carries a downstream request body to the current upstream attempt, keeping a copy (up to a
// limit) so that a retry or a mirror can send the same bytes again.
import type { BodySink } from '../http/body.js';
import type { HeaderMap } from '../http/headers.js';

/**
 * The per-request retry and mirror buffer: past it, the request cannot be retried. Envoy's
 * default is the listener's connection buffer limit, 1 MiB, which Istio leaves alone on sidecars.
 */
export const DEFAULT_RETRY_BUFFER_BYTES = 1024 * 1024;

/** A BodySink in front of the attempts: it forwards to the attached sink and remembers what passed. */
export class RequestBodyRelay implements BodySink {
  // Made on first use: most requests have no body and nobody waits on them.
  private chunks: Buffer[] | undefined;
  private bufferedBytes = 0;
  private target: BodySink | undefined;
  private drainWaiters: (() => void)[] | undefined;
  private endWaiters: (() => void)[] | undefined;
  /** True once more than `limit` bytes passed: the body can no longer be replayed. */
  overflowed = false;
  ended = false;
  trailers: HeaderMap | undefined;
  aborted: Error | undefined;
  bytes = 0;

  constructor(private readonly limit: number = DEFAULT_RETRY_BUFFER_BYTES) {}

  /** Whether the whole body is held, so another attempt can send it. */
  get replayable(): boolean {
    return !this.overflowed;
  }

  /** Sends everything seen so far to `sink`, then forwards what comes next to it. */
  attach(sink: BodySink): void {
    this.target = sink;
    const chunks = this.chunks;
    if (chunks !== undefined) for (const chunk of chunks) sink.write(chunk);
    if (this.ended) sink.end(this.trailers);
    else if (this.aborted) sink.abort(this.aborted);
    // A source paused for want of a target resumes now; the new sink pushes back if it must.
    const waiters = this.drainWaiters;
    this.drainWaiters = undefined;
    if (waiters !== undefined) for (const fn of waiters) fn();
  }

  /** Stops forwarding to the current attempt (it failed or was cancelled). */
  detach(): void {
    this.target = undefined;
  }

  /** The held body, for a mirror. */
  buffered(): Buffer | undefined {
    if (this.overflowed) return undefined;
    const chunks = this.chunks ?? [];
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.bufferedBytes);
  }

  /** Runs `fn` once the whole body has arrived. */
  onEnd(fn: () => void): void {
    if (this.ended) fn();
    else (this.endWaiters ??= []).push(fn);
  }

  write(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    if (!this.overflowed) {
      this.bufferedBytes += chunk.length;
      if (this.bufferedBytes > this.limit) {
        this.overflowed = true;
        this.chunks = undefined;
        this.bufferedBytes = 0;
      } else {
        (this.chunks ??= []).push(chunk);
      }
    }
    return this.target ? this.target.write(chunk) : false;
  }

  onceDrain(fn: () => void): void {
    if (this.target) this.target.onceDrain(fn);
    else (this.drainWaiters ??= []).push(fn);
  }

  end(trailers?: HeaderMap): void {
    this.ended = true;
    this.trailers = trailers;
    this.target?.end(trailers);
    const waiters = this.endWaiters;
    this.endWaiters = undefined;
    if (waiters !== undefined) for (const fn of waiters) fn();
  }

  abort(err: Error): void {
    this.aborted = err;
    this.target?.abort(err);
  }
}
