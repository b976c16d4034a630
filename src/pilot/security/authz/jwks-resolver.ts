// The control plane's JWKS cache: key sets named by jwksUri (or found through the issuer's OpenID
// discovery document) are fetched in the background, refreshed periodically, and handed to the
// generators synchronously, since Pilot inlines them into the jwt_authn filter.
import { logger, type Logger } from '../../../log/index.js';
import { UNUSABLE_JWKS, createHttpJwksFetcher, parseJwks, type JwksFetcher } from './jwks-fetcher.js';

/** Starts calling `fn` every `ms`; returns a function that stops it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export interface JwksResolverOptions {
  readonly fetch?: JwksFetcher;
  /** Milliseconds since the epoch; injected so tests control age. */
  readonly now?: () => number;
  /** How often a key set is fetched again (Istio: 20 min). */
  readonly refreshIntervalMs?: number;
  /** How soon a failed fetch may be tried again (1 min). */
  readonly retryAfterFailureMs?: number;
  /** Runs the periodic refresh; by default an unref'd setInterval, started with the first key set. */
  readonly schedule?: Schedule;
  readonly log?: Pick<Logger, 'warn' | 'info'>;
}

/** Key sets for the jwt_authn filters Pilot generates. */
export interface JwksResolver {
  /**
   * The key set at `jwksUri`, as JSON: the cached one (a fetch starts in the background when it
   * is older than the refresh interval), or, until a first fetch succeeds, a key set that rejects
   * every token. The first fetch starts on the first call.
   */
  resolve(jwksUri: string): string;
  /** As resolve, for an issuer without jwksUri: its key set is found at the `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
  resolveIssuer(issuer: string): string;
  /** Fetches every known key set again; resolves when all are done. */
  refresh(): Promise<void>;
  /** Resolves when no fetch is in flight. */
  settled(): Promise<void>;
  /** Calls `listener` after a key set was fetched for the first time or changed; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Stops the periodic refresh. */
  close(): void;
}

export const JWKS_REFRESH_INTERVAL_MS = 20 * 60_000;
const RETRY_AFTER_FAILURE_MS = 60_000;

interface Entry {
  readonly load: () => Promise<string>;
  value?: string;
  fetchedAt: number;
  failedAt: number;
  inflight?: Promise<void>;
}

const unrefInterval: Schedule = (fn, ms) => {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
};

async function discoveredJwksUri(fetch: JwksFetcher, issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const doc: unknown = JSON.parse(await fetch(url));
  const uri = typeof doc === 'object' && doc !== null ? (doc as { jwks_uri?: unknown }).jwks_uri : undefined;
  if (typeof uri !== 'string' || uri === '') throw new Error(`${url} has no jwks_uri`);
  return uri;
}

/** Creates a resolver; nothing is fetched until a key set is asked for. */
export function createJwksResolver(options: JwksResolverOptions = {}): JwksResolver {
  const fetch = options.fetch ?? createHttpJwksFetcher();
  const now = options.now ?? Date.now;
  const refreshMs = options.refreshIntervalMs ?? JWKS_REFRESH_INTERVAL_MS;
  const retryMs = options.retryAfterFailureMs ?? RETRY_AFTER_FAILURE_MS;
  const schedule = options.schedule ?? unrefInterval;
  const log = () => options.log ?? logger('pilot');
  const entries = new Map<string, Entry>();
  const listeners = new Set<() => void>();
  let stop: (() => void) | undefined;

  const fetchJwks = async (uri: string): Promise<string> => {
    const parsed = parseJwks(await fetch(uri));
    if (!parsed.ok) throw new Error(`${uri}: ${parsed.error}`);
    return parsed.jwks;
  };

  const start = (key: string, entry: Entry): Promise<void> => {
    entry.inflight ??= entry
      .load()
      .then(
        (jwks) => {
          const changed = jwks !== entry.value;
          entry.value = jwks;
          entry.fetchedAt = now();
          if (changed) for (const l of listeners) l();
        },
        (err: unknown) => {
          entry.failedAt = now();
          const kept = entry.value ? 'keeping the last key set' : 'rejecting every token until it can be fetched';
          log().warn({ err, jwks: key }, `cannot fetch the JWKS of ${key}, ${kept}`);
        },
      )
      .finally(() => {
        entry.inflight = undefined;
      });
    return entry.inflight;
  };

  const resolveKey = (key: string, load: () => Promise<string>): string => {
    let entry = entries.get(key);
    if (!entry) {
      entries.set(key, (entry = { load, fetchedAt: 0, failedAt: 0 }));
      stop ??= schedule(() => void resolver.refresh(), refreshMs);
      void start(key, entry);
      return UNUSABLE_JWKS;
    }
    const t = now();
    if (entry.value !== undefined) {
      if (t - entry.fetchedAt >= refreshMs) void start(key, entry);
      return entry.value;
    }
    if (t - entry.failedAt >= retryMs) void start(key, entry);
    return UNUSABLE_JWKS;
  };

  const resolver: JwksResolver = {
    resolve: (uri) => resolveKey(uri, () => fetchJwks(uri)),
    resolveIssuer: (issuer) => resolveKey(`openid:${issuer}`, async () => fetchJwks(await discoveredJwksUri(fetch, issuer))),
    async refresh() {
      await Promise.all([...entries].map(([key, entry]) => start(key, entry)));
    },
    async settled() {
      await Promise.all([...entries.values()].map((e) => e.inflight));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      stop?.();
      stop = undefined;
    },
  };
  return resolver;
}
