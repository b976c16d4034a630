// Semantic validation of AuthorizationPolicy, as Istio's validating webhook does it.
import type { AuthorizationPolicySpec, FieldPath, Resource } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkPolicyTargets } from './common/index.js';
import { checkCondition } from './authorization-policy-condition.js';
import {
  checkIpValue, checkMatchValues, checkPathValue, checkPortValue, checkServiceAccountValue, checkWildcardValue,
  warnLowercaseMethods, type ValueCheck,
} from './authorization-policy-match.js';

type Rule = NonNullable<AuthorizationPolicySpec['rules']>[number];
type Source = NonNullable<NonNullable<Rule['from']>[number]['source']>;
type Operation = NonNullable<NonNullable<Rule['to']>[number]['operation']>;

/** The fields of a source, and how their values are checked. */
const SOURCE_FIELDS: ReadonlyArray<readonly [keyof Source, ValueCheck]> = [
  ['principals', checkWildcardValue],
  ['notPrincipals', checkWildcardValue],
  ['requestPrincipals', checkWildcardValue],
  ['notRequestPrincipals', checkWildcardValue],
  ['namespaces', checkWildcardValue],
  ['notNamespaces', checkWildcardValue],
  ['serviceAccounts', checkServiceAccountValue],
  ['notServiceAccounts', checkServiceAccountValue],
  ['ipBlocks', checkIpValue],
  ['notIpBlocks', checkIpValue],
  ['remoteIpBlocks', checkIpValue],
  ['notRemoteIpBlocks', checkIpValue],
];

/** The fields of an operation, and how their values are checked. */
const OPERATION_FIELDS: ReadonlyArray<readonly [keyof Operation, ValueCheck]> = [
  ['hosts', checkWildcardValue],
  ['notHosts', checkWildcardValue],
  ['ports', checkPortValue],
  ['notPorts', checkPortValue],
  ['methods', checkWildcardValue],
  ['notMethods', checkWildcardValue],
  ['paths', checkPathValue],
  ['notPaths', checkPathValue],
];

/** Source fields that identify the peer; the CUSTOM action cannot match on them. */
const IDENTITY_FIELDS: ReadonlyArray<keyof Source> = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals',
  'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts',
];

/** Source fields that a plain TCP connection carries (all but the request principals, which come from a JWT). */
const TCP_SOURCE_FIELDS: ReadonlyArray<keyof Source> = [
  'principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks',
];

/** True when a list field holds at least one value. */
function isSet(list: unknown): boolean {
  return Array.isArray(list) && list.length > 0;
}

/** True when a field is written at all, even as an empty list. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Reports every semantic problem of an AuthorizationPolicy. */
export function validateAuthorizationPolicy(resource: Resource<'AuthorizationPolicy'>, report: Reporter): void {
  const spec: AuthorizationPolicySpec = resource.spec ?? {};
  const action = spec.action ?? 'ALLOW';
  checkPolicyTargets(spec, report);

  const provider = spec.provider;
  const hasRules = Array.isArray(spec.rules) && spec.rules.length > 0;
  if (action === 'CUSTOM') {
    if (!provider || !provider.name) {
      report.error(provider ? ['spec', 'provider', 'name'] : ['spec', 'provider'],
        'a CUSTOM policy needs provider.name, the extension provider that makes the decision');
    }
    if (!hasRules) {
      report.error(['spec', 'rules'], 'a CUSTOM policy without rules never applies; add `rules: [{}]` to apply it to every request');
    }
  } else if (isPresent(provider)) {
    report.error(['spec', 'provider'], `provider is only allowed with the CUSTOM action, not ${action}`);
  }
  if (action === 'DENY' && !hasRules) {
    report.error(['spec', 'rules'], 'a DENY policy without rules never applies; add `rules: [{}]` to deny every request');
  }

  if (!Array.isArray(spec.rules)) return;
  spec.rules.forEach((rule, i) => {
    if (rule && typeof rule === 'object') checkRule(rule, ['spec', 'rules', i], action, report);
  });
}

function checkRule(rule: Rule, path: FieldPath, action: string, report: Reporter): void {
  const custom = action === 'CUSTOM';
  let hasSource = false;
  let hasOperation = false;
  let tcpSource = false;
  let tcpOperation = false;

  if (Array.isArray(rule.from)) {
    if (rule.from.length === 0) report.error([...path, 'from'], 'must not be empty: remove it to match requests from any source');
    rule.from.forEach((from, j) => {
      if (!from || typeof from !== 'object') return; // a schema error
      const at = [...path, 'from', j, 'source'];
      const source = from.source;
      if (!source) {
        report.error(at, 'source is required in each from entry');
        return;
      }
      hasSource = true;
      if (TCP_SOURCE_FIELDS.some((f) => isPresent(source[f]))) tcpSource = true;
      checkSource(source, at, custom, report);
    });
  }

  if (Array.isArray(rule.to)) {
    if (rule.to.length === 0) report.error([...path, 'to'], 'must not be empty: remove it to match any operation');
    rule.to.forEach((to, j) => {
      if (!to || typeof to !== 'object') return; // a schema error
      const at = [...path, 'to', j, 'operation'];
      if (!to.operation) {
        report.error(at, 'operation is required in each to entry');
        return;
      }
      hasOperation = true;
      const op = to.operation;
      if (isPresent(op.ports) || isPresent(op.notPorts)) tcpOperation = true;
      checkOperation(op, at, report);
    });
  }

  if (Array.isArray(rule.when)) {
    rule.when.forEach((condition, j) => {
      if (condition && typeof condition === 'object') checkCondition(condition, [...path, 'when', j], custom, report);
    });
  }

  // Istio cannot evaluate HTTP-only attributes on a TCP connection, and a DENY rule that uses only
  // those is applied to TCP traffic as "deny everything".
  const httpOnly = (hasSource && !hasOperation && !tcpSource) || (hasOperation && !tcpOperation);
  if (action === 'DENY' && httpOnly) {
    report.warning(path,
      'this DENY rule matches only HTTP attributes, so it denies all traffic to TCP ports of the selected workloads; add ports to the operation to limit it');
  }
}

function checkSource(source: Source, path: FieldPath, custom: boolean, report: Reporter): void {
  if (!SOURCE_FIELDS.some(([field]) => isSet(source[field]))) {
    report.error(path, 'must set at least one field, such as principals, namespaces or ipBlocks; remove the from entry to match any source');
  }
  for (const [field, check] of SOURCE_FIELDS) {
    checkMatchValues(source[field], [...path, field], report, check);
  }
  const byIdentity = isSet(source.principals) || isSet(source.notPrincipals) || isSet(source.namespaces) || isSet(source.notNamespaces);
  if (byIdentity) {
    for (const field of ['serviceAccounts', 'notServiceAccounts'] as const) {
      if (isSet(source[field])) {
        report.error([...path, field],
          'cannot be combined with principals or namespaces in the same source; put them in separate from entries');
      }
    }
  }
  if (custom) {
    for (const field of IDENTITY_FIELDS) {
      if (isSet(source[field])) report.error([...path, field], `${field} is not supported with the CUSTOM action`);
    }
  }
}

function checkOperation(op: Operation, path: FieldPath, report: Reporter): void {
  if (!OPERATION_FIELDS.some(([field]) => isSet(op[field]))) {
    report.error(path, 'must set at least one field, such as paths, methods or ports; remove the to entry to match any operation');
  }
  for (const [field, check] of OPERATION_FIELDS) {
    checkMatchValues(op[field], [...path, field], report, check);
  }
  warnLowercaseMethods(op.methods, [...path, 'methods'], report);
  warnLowercaseMethods(op.notMethods, [...path, 'notMethods'], report);
}
