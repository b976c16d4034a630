// VirtualService match conditions: HTTP request matches and the L4 matches of TCP and TLS rules.
import type { FieldPath } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import {
  checkDns1123Label, checkDnsName, checkIpOrCidr, checkPort, checkRegex, checkSelectorLabels,
} from './common/index.js';

/** What the rules of a VirtualService need to know about the whole resource. */
export interface RouteContext {
  /** The VirtualService's hosts; empty for a delegate. */
  readonly hosts: readonly string[];
  /** True when the VirtualService has no hosts, so it is a delegate of another one. */
  readonly isDelegate: boolean;
  /** True when it applies only to gateways (it lists gateways, and `mesh` is not one of them). */
  readonly gatewaysOnly: boolean;
}

/** A string match: exactly one of exact, prefix or regex (the schema checks the "one"). */
export interface StringMatchLike {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

/** The match of an HTTP rule. */
export interface HttpMatchLike {
  readonly uri?: StringMatchLike;
  readonly scheme?: StringMatchLike;
  readonly method?: StringMatchLike;
  readonly authority?: StringMatchLike;
  readonly headers?: Readonly<Record<string, StringMatchLike>>;
  readonly withoutHeaders?: Readonly<Record<string, StringMatchLike>>;
  readonly queryParams?: Readonly<Record<string, StringMatchLike>>;
  readonly port?: number;
  readonly sourceLabels?: Readonly<Record<string, string>>;
  readonly gateways?: readonly string[];
  readonly sourceNamespace?: string;
}

/** The match of a TCP or TLS rule. */
export interface L4MatchLike {
  readonly destinationSubnets?: readonly string[];
  readonly port?: number;
  readonly sourceLabels?: Readonly<Record<string, string>>;
  readonly gateways?: readonly string[];
  readonly sourceNamespace?: string;
  readonly sourceSubnet?: string;
}

const MAX_REGEX_LENGTH = 1024;
const JWT_CLAIM_PREFIX = '@request.auth.claims.';
const ISTIO_HEADER_NAME = /^[-_A-Za-z0-9]+$/;

/** Reports a regex that is empty, too long for Envoy, or not RE2, at `path`. */
export function validateRegex(regex: string, path: FieldPath, report: Reporter): void {
  if (regex === '') report.error(path, 'regex must not be empty');
  else if (regex.length > MAX_REGEX_LENGTH) report.error(path, `regex is longer than ${MAX_REGEX_LENGTH} characters`);
  else {
    const bad = checkRegex(regex);
    if (bad) report.error(path, `${bad} (Istio uses RE2 syntax)`);
  }
}

/**
 * Reports problems of a string match at `path`: a regex must compile as RE2, and a prefix must not
 * be empty unless `allowEmptyPrefix` (a URI may match the empty prefix).
 */
export function validateStringMatch(
  sm: StringMatchLike | undefined,
  path: FieldPath,
  report: Reporter,
  opts: { allowEmptyPrefix?: boolean } = {},
): void {
  if (!sm || typeof sm !== 'object') return;
  if (sm.prefix === '' && !opts.allowEmptyPrefix) report.error([...path, 'prefix'], 'prefix must not be empty; to match anything, leave out this match');
  if (typeof sm.regex === 'string') validateRegex(sm.regex, [...path, 'regex'], report);
}

/** Reports problems of the match conditions of an HTTP rule, at `path` (`spec.http[0].match`). */
export function validateHttpMatches(
  matches: readonly HttpMatchLike[] | undefined,
  path: FieldPath,
  ctx: RouteContext,
  report: Reporter,
): void {
  (matches ?? []).forEach((m, j) => {
    if (!m || typeof m !== 'object') return;
    const at = [...path, j];
    validateStringMatch(m.uri, [...at, 'uri'], report, { allowEmptyPrefix: true });
    for (const field of ['scheme', 'method', 'authority'] as const) validateStringMatch(m[field], [...at, field], report);
    for (const field of ['headers', 'withoutHeaders'] as const) {
      for (const [name, sm] of Object.entries(m[field] ?? {})) {
        validateMatchHeaderName(name, [...at, field, name], ctx, report);
        // In withoutHeaders, regex "*" means "present", not an RE2 regex.
        if (field === 'withoutHeaders' && sm?.regex === '*') continue;
        validateStringMatch(sm, [...at, field, name], report);
      }
    }
    for (const [name, sm] of Object.entries(m.queryParams ?? {})) validateStringMatch(sm, [...at, 'queryParams', name], report);
    validateCommonMatch(m, at, report);
  });
}

/** Reports problems of the match conditions of a TCP or TLS rule at `at` (`spec.tcp[0].match[0]`). */
export function validateL4Match(m: L4MatchLike, at: FieldPath, report: Reporter): void {
  (m.destinationSubnets ?? []).forEach((subnet, k) => {
    if (typeof subnet !== 'string') return;
    const bad = checkIpOrCidr(subnet);
    if (bad) report.error([...at, 'destinationSubnets', k], bad);
  });
  if (typeof m.sourceSubnet === 'string' && m.sourceSubnet !== '') {
    const bad = checkIpOrCidr(m.sourceSubnet);
    if (bad) report.error([...at, 'sourceSubnet'], bad);
  }
  validateCommonMatch(m, at, report);
}

function validateCommonMatch(m: HttpMatchLike | L4MatchLike, at: FieldPath, report: Reporter): void {
  // Port 0 is how the API spells "any port".
  if (typeof m.port === 'number' && m.port !== 0) {
    const bad = checkPort(m.port);
    if (bad) report.error([...at, 'port'], bad);
  }
  checkSelectorLabels(m.sourceLabels, [...at, 'sourceLabels'], report);
  validateGatewayNames(m.gateways, [...at, 'gateways'], report);
  if (typeof m.sourceNamespace === 'string' && m.sourceNamespace !== '') {
    const bad = checkDns1123Label(m.sourceNamespace);
    if (bad) report.error([...at, 'sourceNamespace'], `invalid namespace: ${bad}`);
  }
}

function validateMatchHeaderName(name: string, path: FieldPath, ctx: RouteContext, report: Reporter): void {
  if (name.startsWith(JWT_CLAIM_PREFIX)) {
    if (!ctx.gatewaysOnly) {
      report.error(path, 'routing on JWT claims works only for a VirtualService bound to gateways (not to the mesh)');
    }
    return;
  }
  if (name === '') report.error(path, 'header name must not be empty');
  else if (!ISTIO_HEADER_NAME.test(name)) {
    report.error(path, `"${name}" is not a valid header name to match: use letters, digits, '-' and '_'`);
  } else if (name !== name.toLowerCase()) {
    report.warning(path, `header names are matched in lowercase: write "${name.toLowerCase()}"`);
  }
}

/**
 * Reports invalid gateway references at `path`: each is `mesh`, a gateway `name` in the
 * VirtualService's namespace, or `namespace/name`.
 */
export function validateGatewayNames(gateways: readonly unknown[] | undefined, path: FieldPath, report: Reporter): void {
  (gateways ?? []).forEach((gw, i) => {
    if (typeof gw !== 'string') return;
    const at = [...path, i];
    const slash = gw.indexOf('/');
    if (slash < 0) {
      const bad = checkDnsName(gw);
      if (bad) report.error(at, `invalid gateway name: ${bad}`);
      else if (gw.includes('.')) {
        const [name, ns] = gw.split('.');
        report.warning(at, `"${gw}" uses the legacy name.namespace form; write "${ns}/${name}"`);
      }
      return;
    }
    const ns = gw.slice(0, slash);
    const name = gw.slice(slash + 1);
    if (ns === '' || name === '') {
      report.error(at, `"${gw}" must have the form namespace/name, with neither part empty`);
      return;
    }
    const badNs = checkDns1123Label(ns);
    if (badNs) report.error(at, `invalid gateway namespace: ${badNs}`);
    const badName = checkDns1123Label(name);
    if (badName) report.error(at, `invalid gateway name: ${badName}`);
  });
}
