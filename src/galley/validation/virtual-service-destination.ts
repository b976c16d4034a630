// VirtualService destinations: where a rule sends traffic, with weights and header operations.
import type { FieldPath } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkDns1123Label, checkPort } from './common/index.js';
import { checkHeaderValue } from './common/header-value.js';
import { checkServiceHost } from './common/service-host.js';

/** A destination as routes, mirrors and TCP/TLS routes give it. */
export interface DestinationLike {
  readonly host?: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}

/** Header operations on a request and its response. */
export interface HeaderOperations {
  readonly request?: HeaderOperation;
  readonly response?: HeaderOperation;
}

interface HeaderOperation {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

/** A weighted destination of an HTTP, TCP or TLS route. */
export interface WeightedDestination {
  readonly destination?: DestinationLike;
  readonly weight?: number;
  readonly headers?: HeaderOperations;
}

/** Reports problems of one destination at `path`: its host, subset and port. */
export function validateDestination(destination: DestinationLike | undefined, path: FieldPath, report: Reporter): void {
  if (!destination) return;
  const { host, subset, port } = destination;
  if (typeof host === 'string') {
    if (host === '*') report.error([...path, 'host'], `"*" is not a destination: name one service host`);
    else {
      const bad = checkServiceHost(host);
      if (bad) report.error([...path, 'host'], `invalid destination host: ${bad}`);
    }
  }
  if (typeof subset === 'string') {
    const bad = checkDns1123Label(subset);
    if (bad) report.error([...path, 'subset'], `invalid subset name: ${bad}`);
  }
  if (port && port.number !== undefined) {
    const bad = checkPort(port.number);
    if (bad) report.error([...path, 'port', 'number'], bad);
  }
}

/**
 * Reports problems of a route's destinations at `path` (`spec.http[0].route`). Weights are
 * relative and need not sum to 100, but none may be negative and, with several destinations, not
 * all may be zero.
 */
export function validateRouteDestinations(route: readonly WeightedDestination[] | undefined, path: FieldPath, report: Reporter): void {
  if (!route) return;
  let total = 0;
  route.forEach((rd, i) => {
    const at = [...path, i];
    if (!rd) return;
    // A missing destination is reported by the schema, which requires it.
    validateDestination(rd.destination, [...at, 'destination'], report);
    if (rd.headers) validateHeaderOperations(rd.headers, [...at, 'headers'], report);
    if (typeof rd.weight === 'number') {
      if (rd.weight < 0) report.error([...at, 'weight'], `weight must not be negative, got ${rd.weight}`);
      else total += rd.weight;
    }
  });
  if (route.length > 1 && total === 0) {
    report.error(path, 'every destination has weight 0, so none gets traffic: give at least one a positive weight');
  }
}

const AUTHORITY = new Set([':authority', 'host']);

function isAuthorityHeader(name: string): boolean {
  return AUTHORITY.has(name.toLowerCase());
}

/**
 * Reports invalid header operations at `path` (`spec.http[0].headers`). Request headers may be set
 * or added, including the authority (`host` or `:authority`), but no other pseudo-header; removed
 * request headers and any response header may be neither `host` nor a pseudo-header.
 */
export function validateHeaderOperations(headers: HeaderOperations, path: FieldPath, report: Reporter): void {
  for (const side of ['request', 'response'] as const) {
    const op = headers[side];
    if (!op) continue;
    for (const kind of ['set', 'add'] as const) {
      for (const [name, value] of Object.entries(op[kind] ?? {})) {
        const at = [...path, side, kind, name];
        const bad = side === 'request' ? checkSettableRequestHeader(name) : checkModifiableHeader(name);
        if (bad) report.error(at, bad);
        if (typeof value === 'string') {
          const badValue = checkHeaderValue(value);
          if (badValue) report.error(at, badValue);
        }
      }
    }
    (op.remove ?? []).forEach((name, i) => {
      if (typeof name !== 'string') return;
      const bad = checkModifiableHeader(name);
      if (bad) report.error([...path, side, 'remove', i], bad);
    });
  }
}

function checkSettableRequestHeader(name: string): string | undefined {
  if (name === '') return 'header name must not be empty';
  if (name.startsWith(':') && !isAuthorityHeader(name)) return `cannot modify the pseudo-header "${name}"`;
  return undefined;
}

function checkModifiableHeader(name: string): string | undefined {
  if (name === '') return 'header name must not be empty';
  if (name.toLowerCase() === 'host') return 'cannot modify the Host header here; rewrite the authority on the request instead';
  if (name.startsWith(':')) return `cannot modify the pseudo-header "${name}"`;
  return undefined;
}

/** The request headers that set the authority (`host` or `:authority`), as `[operation, name]`. */
export function authorityHeaderOperations(headers: HeaderOperations | undefined): Array<['set' | 'add', string]> {
  const out: Array<['set' | 'add', string]> = [];
  for (const kind of ['set', 'add'] as const) {
    for (const name of Object.keys(headers?.request?.[kind] ?? {})) if (isAuthorityHeader(name)) out.push([kind, name]);
  }
  return out;
}
