// Evaluates a jwt_authn requirement tree for one request: provider_name, requires_any,
// requires_all, allow_missing and allow_missing_or_failed, with Envoy's combination rules.
import type { JWTPayload } from 'jose';
import type { JwtRequirement } from '../../config/policy.js';
import type { RequestHead } from '../../http/message.js';
import type { JwtProvider, JwtToken } from './jwt-provider.js';
import { jwtFailureRank, type JwtStatus } from './jwt-status.js';

/** A token that verified, with its provider. */
export interface VerifiedJwt {
  readonly provider: JwtProvider;
  readonly token: JwtToken;
  readonly payload: JWTPayload;
}

/** The outcome of a requirement: ok with the tokens that verified, or the most telling failure. */
export interface JwtOutcome {
  readonly status: JwtStatus;
  readonly verified: readonly VerifiedJwt[];
}

const MISSING: JwtOutcome = { status: 'missing', verified: [] };
const OK_NONE: JwtOutcome = { status: 'ok', verified: [] };

/** Checks requirements for one request; each token is verified at most once per provider and audience list. */
export class JwtRequirementChecker {
  private readonly cache = new Map<string, Promise<JwtOutcome>>();
  private readonly tokenCache = new Map<string, Promise<JwtOutcome>>();

  constructor(private readonly providers: ReadonlyMap<string, JwtProvider>, private readonly head: RequestHead) {}

  /** The outcome of `requirement`. */
  check(requirement: JwtRequirement): Promise<JwtOutcome> {
    switch (requirement.kind) {
      case 'provider':
        return this.provider(this.providers.get(requirement.provider)!, requirement.audiences);
      case 'requires_any':
        return Promise.all(requirement.requirements.map((r) => this.check(r))).then(any);
      case 'requires_all':
        return Promise.all(requirement.requirements.map((r) => this.check(r))).then(all);
      case 'allow_missing':
        return this.anyToken().then((o) => (o.status === 'missing' ? OK_NONE : o));
      case 'allow_missing_or_failed':
        return this.anyToken().then((o) => (o.status === 'ok' ? o : OK_NONE));
    }
  }

  private provider(provider: JwtProvider, audiences: readonly string[] | undefined): Promise<JwtOutcome> {
    const key = audiences ? `${provider.config.name}\u0000${audiences.join(',')}` : provider.config.name;
    let outcome = this.cache.get(key);
    if (!outcome) {
      outcome = this.verify(provider, audiences);
      this.cache.set(key, outcome);
    }
    return outcome;
  }

  /** Envoy's rule: every token in the provider's locations must verify, or the provider fails. */
  private async verify(provider: JwtProvider, audiences: readonly string[] | undefined): Promise<JwtOutcome> {
    const tokens = provider.tokens(this.head);
    if (tokens.length === 0) return MISSING;
    const outcomes = await Promise.all(tokens.map((t) => this.verifyToken(provider, t, audiences)));
    return all(outcomes);
  }

  private verifyToken(provider: JwtProvider, token: JwtToken, audiences: readonly string[] | undefined): Promise<JwtOutcome> {
    const key = `${provider.config.name}\u0000${audiences ? audiences.join(',') : '\u0001'}\u0000${tokenKey(token)}`;
    let outcome = this.tokenCache.get(key);
    if (!outcome) {
      outcome = this.verifyTokenNow(provider, token, audiences);
      this.tokenCache.set(key, outcome);
    }
    return outcome;
  }

  private async verifyTokenNow(provider: JwtProvider, token: JwtToken, audiences: readonly string[] | undefined): Promise<JwtOutcome> {
    const issuer = provider.issuerOf(token.value);
    if (issuer === undefined) return { status: 'bad_format', verified: [] };
    if (provider.config.issuer && issuer !== provider.config.issuer) return { status: 'unknown_issuer', verified: [] };
    const check = await provider.verify(token.value, audiences);
    return check.status === 'ok' ? { status: 'ok', verified: [{ provider, token, payload: check.payload! }] } : { status: check.status, verified: [] };
  }

  /**
   * allow_missing's view: every token in any provider's locations, each checked by the first
   * provider that looks there and accepts its issuer. A token no provider accepts is
   * unknown_issuer, and any failing token fails the whole, so none reaches the app unverified.
   */
  private async anyToken(): Promise<JwtOutcome> {
    const found = [...this.providers.values()].map((provider) => ({ provider, tokens: provider.tokens(this.head) }));
    const checks: Promise<JwtOutcome>[] = [];
    const seen = new Set<string>();
    for (const { tokens } of found) {
      for (const token of tokens) {
        const key = tokenKey(token);
        if (seen.has(key)) continue;
        seen.add(key);
        const issuer = found[0]!.provider.issuerOf(token.value);
        if (issuer === undefined) return { status: 'bad_format', verified: [] };
        const owner = found.find((f) => (!f.provider.config.issuer || f.provider.config.issuer === issuer) && f.tokens.some((t) => tokenKey(t) === key));
        checks.push(owner ? this.verifyToken(owner.provider, token, undefined) : Promise.resolve({ status: 'unknown_issuer', verified: [] }));
      }
    }
    if (checks.length === 0) return MISSING;
    return all(await Promise.all(checks));
  }
}

/** A token's location and value: the same token found by two providers is one token. */
function tokenKey(token: JwtToken): string {
  return `${token.header ?? ''}\u0000${token.value}`;
}

function any(outcomes: readonly JwtOutcome[]): JwtOutcome {
  const ok = outcomes.filter((o) => o.status === 'ok');
  if (ok.length > 0) return { status: 'ok', verified: ok.flatMap((o) => o.verified) };
  let best = outcomes[0] ?? MISSING;
  for (const o of outcomes) if (jwtFailureRank(o.status) > jwtFailureRank(best.status)) best = o;
  return best;
}

function all(outcomes: readonly JwtOutcome[]): JwtOutcome {
  const failed = outcomes.find((o) => o.status !== 'ok');
  return failed ?? { status: 'ok', verified: outcomes.flatMap((o) => o.verified) };
}
