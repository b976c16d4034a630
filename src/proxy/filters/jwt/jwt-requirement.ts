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

/** Checks requirements for one request; each provider's token is verified at most once. */
export class JwtRequirementChecker {
  private readonly cache = new Map<string, Promise<JwtOutcome>>();

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

  private async verify(provider: JwtProvider, audiences: readonly string[] | undefined): Promise<JwtOutcome> {
    const token = provider.token(this.head);
    if (!token) return MISSING;
    const issuer = provider.issuerOf(token.value);
    if (issuer === undefined) return { status: 'bad_format', verified: [] };
    if (provider.config.issuer && issuer !== provider.config.issuer) return { status: 'unknown_issuer', verified: [] };
    const check = await provider.verify(token.value, audiences);
    return check.status === 'ok' ? { status: 'ok', verified: [{ provider, token, payload: check.payload! }] } : { status: check.status, verified: [] };
  }

  /** allow_missing's view: any token in any provider's locations, checked by the provider of its issuer. */
  private async anyToken(): Promise<JwtOutcome> {
    let found = false;
    let best: JwtOutcome = MISSING;
    for (const provider of this.providers.values()) {
      const token = provider.token(this.head);
      if (!token) continue;
      found = true;
      const issuer = provider.issuerOf(token.value);
      if (issuer === undefined) return { status: 'bad_format', verified: [] };
      if (provider.config.issuer && issuer !== provider.config.issuer) continue;
      const outcome = await this.provider(provider, undefined);
      if (outcome.status === 'ok') return outcome;
      if (jwtFailureRank(outcome.status) > jwtFailureRank(best.status)) best = outcome;
    }
    if (!found) return MISSING;
    return best.status === 'missing' ? { status: 'unknown_issuer', verified: [] } : best;
  }
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
