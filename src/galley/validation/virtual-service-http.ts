// VirtualService HTTP rules: what a rule does (route, redirect, direct response or delegate) and how.
import type { FieldPath, VirtualServiceSpec } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkDns1123Label, checkDns1123Subdomain, checkHttpStatus, checkPercentage, checkPort } from './common/index.js';
import { checkMillisecondDuration } from './common/duration-precision.js';
import {
  authorityHeaderOperations, validateDestination, validateHeaderOperations, validateRouteDestinations,
} from './virtual-service-destination.js';
import { validateHttpMatches, validateRegex, type RouteContext } from './virtual-service-match.js';
import { validateCorsPolicy, validateFault, validateRetries } from './virtual-service-http-policy.js';

type HttpRoute = NonNullable<VirtualServiceSpec['http']>[number];

const KIB = 1024;
const MIB = 1024 * KIB;
/** The redirect codes Envoy can send. */
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** Reports every problem of one HTTP rule, at `path` (`spec.http[0]`). */
export function validateHttpRoute(http: HttpRoute, path: FieldPath, ctx: RouteContext, report: Reporter): void {
  validateAction(http, path, ctx, report);
  validateHttpMatches(http.match, [...path, 'match'], ctx, report);
  if (http.headers) validateHeaderOperations(http.headers, [...path, 'headers'], report);
  validateRouteDestinations(http.route, [...path, 'route'], report);
  validateRewrite(http, path, report);
  validateRedirect(http.redirect, [...path, 'redirect'], report);
  validateDirectResponse(http.directResponse, [...path, 'directResponse'], report);
  validateMirrors(http, path, report);
  if (typeof http.timeout === 'string') {
    const bad = checkMillisecondDuration(http.timeout);
    if (bad) report.error([...path, 'timeout'], bad);
  }
  if (http.retries) validateRetries(http.retries, [...path, 'retries'], report);
  if (http.fault) validateFault(http.fault, [...path, 'fault'], report);
  if (http.corsPolicy) validateCorsPolicy(http.corsPolicy, [...path, 'corsPolicy'], report);
}

/**
 * A rule does one thing: route to destinations, redirect, answer directly, or delegate to another
 * VirtualService. A redirect or direct response also leaves no room for a fault or a rewrite.
 */
function validateAction(http: HttpRoute, path: FieldPath, ctx: RouteContext, report: Reporter): void {
  const hasRoute = (http.route?.length ?? 0) > 0;
  if (http.delegate) {
    if (ctx.isDelegate) {
      report.error([...path, 'delegate'], 'a delegate VirtualService (one without hosts) cannot delegate again');
    } else {
      validateDelegate(http.delegate, [...path, 'delegate'], report);
      for (const field of ['route', 'redirect', 'directResponse'] as const) {
        if (http[field] !== undefined) report.error([...path, field], `cannot be set with delegate: the delegate VirtualService decides where the request goes`);
      }
      return;
    }
  }
  if (http.redirect) {
    if (hasRoute) report.error([...path, 'route'], 'cannot be set with redirect: a rule either redirects or routes');
    if (http.directResponse) report.error([...path, 'directResponse'], 'cannot be set with redirect: a rule either redirects or responds directly');
    if (http.fault) report.error([...path, 'fault'], 'cannot be set with redirect: faults apply to routed requests only');
    if (http.rewrite) report.error([...path, 'rewrite'], 'cannot be set with redirect: use the redirect\'s uri and authority instead');
  } else if (http.directResponse) {
    if (hasRoute) report.error([...path, 'route'], 'cannot be set with directResponse: a rule either responds directly or routes');
    if (http.fault) report.error([...path, 'fault'], 'cannot be set with directResponse: faults apply to routed requests only');
    if (http.rewrite) report.error([...path, 'rewrite'], 'cannot be set with directResponse: a direct response is not forwarded');
  } else if (!hasRoute) {
    report.error(path, 'a rule needs one of route, redirect, directResponse or delegate');
  }
}

function validateDelegate(delegate: NonNullable<HttpRoute['delegate']>, path: FieldPath, report: Reporter): void {
  if (typeof delegate.name !== 'string' || delegate.name === '') {
    report.error([...path, 'name'], 'name of the delegate VirtualService is required');
  } else {
    const bad = checkDns1123Subdomain(delegate.name);
    if (bad) report.error([...path, 'name'], `invalid VirtualService name: ${bad}`);
  }
  if (typeof delegate.namespace === 'string' && delegate.namespace !== '') {
    const bad = checkDns1123Label(delegate.namespace);
    if (bad) report.error([...path, 'namespace'], `invalid namespace: ${bad}`);
  }
}

function validateRewrite(http: HttpRoute, path: FieldPath, report: Reporter): void {
  const rewrite = http.rewrite;
  const at = [...path, 'rewrite'];
  const authorityHeaders = authorityHeaderOperations(http.headers);
  if (rewrite?.authority && authorityHeaders.length > 0) {
    const [kind, name] = authorityHeaders[0]!;
    report.error([...path, 'headers', 'request', kind, name], 'the authority is already rewritten by rewrite.authority: set it in one place');
  } else if (authorityHeaders.length > 1) {
    const [kind, name] = authorityHeaders[1]!;
    report.error([...path, 'headers', 'request', kind, name], 'the authority is already set by another header operation: set it in one place');
  }
  if (!rewrite) return;
  const regexRewrite = rewrite.uriRegexRewrite;
  if (rewrite.uri && regexRewrite) {
    report.error([...at, 'uriRegexRewrite'], 'cannot be set with uri: rewrite the path one way');
  }
  if (!rewrite.uri && !regexRewrite && !rewrite.authority) {
    report.error(at, 'rewrite needs at least one of uri, uriRegexRewrite or authority');
  }
  if (regexRewrite) {
    if (!regexRewrite.match) report.error([...at, 'uriRegexRewrite', 'match'], 'match is required: the RE2 regex to find in the path');
    else validateRegex(regexRewrite.match, [...at, 'uriRegexRewrite', 'match'], report);
    if (!regexRewrite.rewrite) report.error([...at, 'uriRegexRewrite', 'rewrite'], 'rewrite is required: the replacement for the matched text');
  }
}

function validateRedirect(redirect: HttpRoute['redirect'], path: FieldPath, report: Reporter): void {
  if (!redirect) return;
  if (!redirect.uri && !redirect.authority && !redirect.scheme && redirect.port === undefined && redirect.derivePort === undefined) {
    report.error(path, 'redirect needs at least one of uri, authority, scheme, port or derivePort');
  }
  const code = redirect.redirectCode;
  if (typeof code === 'number' && code !== 0) {
    if (code < 300 || code > 399) report.error([...path, 'redirectCode'], `${code} is not a redirect code: use 301, 302, 303, 307 or 308`);
    else if (!REDIRECT_CODES.has(code)) report.error([...path, 'redirectCode'], `redirect code ${code} is not supported: use 301, 302, 303, 307 or 308`);
  }
  if (typeof redirect.scheme === 'string' && redirect.scheme !== '' && redirect.scheme !== 'http' && redirect.scheme !== 'https') {
    report.error([...path, 'scheme'], `scheme must be "http" or "https", got "${redirect.scheme}"`);
  }
  if (typeof redirect.port === 'number') {
    const bad = checkPort(redirect.port);
    if (bad) report.error([...path, 'port'], bad);
  }
}

function validateDirectResponse(response: HttpRoute['directResponse'], path: FieldPath, report: Reporter): void {
  if (!response) return;
  if (response.status !== undefined) {
    const bad = checkHttpStatus(response.status);
    if (bad) report.error([...path, 'status'], bad);
  }
  const body = response.body;
  if (!body) return;
  let size = 0;
  if (typeof body.string === 'string') size = Buffer.byteLength(body.string);
  else if (typeof body.bytes === 'string') size = Buffer.from(body.bytes, 'base64').length;
  if (size > MIB) report.error([...path, 'body'], 'the body must be smaller than 1MB: large direct responses slow down config distribution');
  else if (size > 100 * KIB) report.warning([...path, 'body'], 'a body over 100KB slows down config distribution');
}

function validateMirrors(http: HttpRoute, path: FieldPath, report: Reporter): void {
  if (http.mirror) validateDestination(http.mirror, [...path, 'mirror'], report);
  if (http.mirror && (http.mirrors?.length ?? 0) > 0) {
    report.error([...path, 'mirrors'], 'cannot be set with mirror: list every mirror under mirrors');
  }
  if (http.mirrorPercentage && http.mirrorPercentage.value !== undefined) {
    const bad = checkPercentage(http.mirrorPercentage.value);
    if (bad) report.error([...path, 'mirrorPercentage', 'value'], bad);
  }
  const legacy = http as { mirrorPercent?: unknown; mirror_percent?: unknown };
  for (const field of ['mirrorPercent', 'mirror_percent'] as const) {
    const value = legacy[field];
    if (value === undefined) continue;
    const bad = checkPercentage(value);
    if (bad) report.error([...path, field], bad);
    report.warning([...path, field], `${field} is deprecated: use mirrorPercentage`);
  }
  (http.mirrors ?? []).forEach((mirror, i) => {
    const at = [...path, 'mirrors', i];
    if (!mirror) return;
    validateDestination(mirror.destination, [...at, 'destination'], report);
    if (mirror.percentage && mirror.percentage.value !== undefined) {
      const bad = checkPercentage(mirror.percentage.value);
      if (bad) report.error([...at, 'percentage', 'value'], bad);
    }
  });
}
