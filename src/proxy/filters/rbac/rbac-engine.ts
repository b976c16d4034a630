// An RBAC rule set compiled once per config version: its policies in name order and the action
// that turns "some policy matched" into allow or deny, with Envoy's semantics.
import type { RbacAction, RbacRules } from '../../config/policy.js';
import { createPermissionPredicate, createPrincipalPredicate, type RbacPredicate, type RbacSubject } from './rbac-matchers.js';

/** The outcome of one evaluation. */
export interface RbacDecision {
  readonly allowed: boolean;
  /** The first policy (by name) that matched; undefined when none did. */
  readonly matchedPolicy: string | undefined;
}

/** A compiled rule set. */
export interface RbacEngine {
  readonly action: RbacAction;
  /**
   * ALLOW: allowed when some policy matches. DENY: denied when some policy matches. LOG:
   * always allowed; `matchedPolicy` says whether the request should be logged.
   */
  evaluate(subject: RbacSubject): RbacDecision;
}

interface CompiledPolicy {
  readonly name: string;
  readonly permission: RbacPredicate;
  readonly principal: RbacPredicate;
}

/** Compiles `rules`. A policy matches when any of its permissions and any of its principals match. */
export function createRbacEngine(rules: RbacRules): RbacEngine {
  const policies: CompiledPolicy[] = rules.policies.map((p) => {
    const permissions = p.permissions.map(createPermissionPredicate);
    const principals = p.principals.map(createPrincipalPredicate);
    return {
      name: p.name,
      permission: (s) => permissions.some((f) => f(s)),
      principal: (s) => principals.some((f) => f(s)),
    };
  });
  const action = rules.action;
  return {
    action,
    evaluate(subject) {
      let matchedPolicy: string | undefined;
      for (const p of policies) {
        if (p.permission(subject) && p.principal(subject)) {
          matchedPolicy = p.name;
          break;
        }
      }
      const matched = matchedPolicy !== undefined;
      const allowed = action === 'ALLOW' ? matched : action === 'DENY' ? !matched : true;
      return { allowed, matchedPolicy };
    },
  };
}
