// RBAC permissions and principals compiled into predicates over a request or connection, with
// Envoy's meaning for each field: CIDRs, ports, SNI, headers, url_path, peer identity and metadata.
import type { CidrRange } from '../../config/listener.js';
import type { MetadataMatch, RbacPermission, RbacPrincipal, ValueMatch } from '../../config/policy.js';
import type { HeaderMatch, StringMatch } from '../../config/route.js';
import { cidrContains, parseCidr, parseIp } from '../../listener/ip-cidr.js';
import type { ConnectionInfo } from '../../http/exchange.js';
import type { RequestHead } from '../../http/message.js';
import { headerValueForMatch, pathEnd } from '../../router/request-attributes.js';
import { createStringMatcher } from '../../router/string-matcher.js';
import type { JsonValue } from '../../../xds/struct.js';
import type { DynamicMetadata } from '../policy-filter.js';

/** What RBAC reads: the connection always; the request head and metadata only for HTTP. */
export interface RbacSubject {
  readonly connection: ConnectionInfo;
  readonly head?: RequestHead;
  /** remote_ip's address (x-forwarded-for aware); the peer address when undefined. */
  readonly remoteIp?: string;
  readonly serverName?: string;
  readonly metadata?: DynamicMetadata;
}

/** A compiled permission or principal. */
export type RbacPredicate = (subject: RbacSubject) => boolean;

const NEVER: RbacPredicate = () => false;
const ALWAYS: RbacPredicate = () => true;

function cidrPredicate(range: CidrRange, address: (s: RbacSubject) => string): RbacPredicate {
  const cidr = parseCidr(range);
  if (!cidr) return NEVER;
  return (s) => {
    const ip = parseIp(address(s));
    return ip !== undefined && cidrContains(cidr, ip);
  };
}

function headerPredicate(h: HeaderMatch): RbacPredicate {
  const name = h.name.toLowerCase();
  const invert = h.invert;
  if (h.match.kind === 'present') return (s) => s.head !== undefined && (headerValueForMatch(s.head, name) !== undefined) !== invert;
  const test = createStringMatcher(h.match);
  // Envoy: a missing header matches no string matcher, inverted or not, unless it counts as ''.
  const missing = h.treatMissingAsEmpty === true ? test('') !== invert : false;
  // A network connection has no headers: a header rule never matches there, inverted or not.
  return (s) => {
    if (!s.head) return false;
    const value = headerValueForMatch(s.head, name);
    return value === undefined ? missing : test(value) !== invert;
  };
}

function urlPathPredicate(match: StringMatch): RbacPredicate {
  const test = createStringMatcher(match);
  return (s) => s.head !== undefined && test(s.head.path.slice(0, pathEnd(s.head.path)));
}

/** Whether `value` satisfies a ValueMatcher; `undefined` is a missing value. */
export function createValueMatcher(m: ValueMatch): (value: JsonValue | undefined) => boolean {
  switch (m.kind) {
    case 'null':
      return (v) => v === null;
    case 'double': {
      const { exact, range } = m;
      return (v) => typeof v === 'number' && (range ? v >= range.start && v < range.end : v === exact);
    }
    case 'string': {
      const test = createStringMatcher(m.match);
      return (v) => typeof v === 'string' && test(v);
    }
    case 'bool':
      return (v) => v === m.value;
    case 'present':
      return (v) => m.value && v !== undefined;
    case 'list': {
      const item = createValueMatcher(m.oneOf);
      return (v) => Array.isArray(v) && v.some((x: JsonValue) => item(x));
    }
    case 'or': {
      const any = m.matchers.map(createValueMatcher);
      return (v) => any.some((f) => f(v));
    }
  }
}

function metadataPredicate(m: MetadataMatch): RbacPredicate {
  const test = createMetadataMatcher(m);
  return (s) => test(s.metadata);
}

/** Envoy's MetadataMatcher over dynamic metadata: the value at `filter` + `path`, then `invert`. */
export function createMetadataMatcher(m: MetadataMatch): (metadata: DynamicMetadata | undefined) => boolean {
  const test = createValueMatcher(m.value);
  return (metadata) => {
    let v: JsonValue | undefined = metadata?.get(m.filter);
    for (const key of m.path) {
      if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) {
        v = undefined;
        break;
      }
      v = (v as { readonly [key: string]: JsonValue })[key];
    }
    return test(v) !== m.invert;
  };
}

/** Compiles a permission. */
export function createPermissionPredicate(p: RbacPermission): RbacPredicate {
  switch (p.kind) {
    case 'any':
      return ALWAYS;
    case 'and': {
      const all = p.rules.map(createPermissionPredicate);
      return (s) => all.every((f) => f(s));
    }
    case 'or': {
      const any = p.rules.map(createPermissionPredicate);
      return (s) => any.some((f) => f(s));
    }
    case 'not': {
      const inner = createPermissionPredicate(p.rule);
      return (s) => !inner(s);
    }
    case 'header':
      return headerPredicate(p.header);
    case 'url_path':
      return urlPathPredicate(p.match);
    case 'destination_ip':
      return cidrPredicate(p.cidr, (s) => s.connection.destinationAddress);
    case 'destination_port':
      return (s) => s.connection.destinationPort === p.port;
    case 'destination_port_range':
      return (s) => s.connection.destinationPort >= p.start && s.connection.destinationPort < p.end;
    case 'requested_server_name': {
      const test = createStringMatcher(p.match);
      return (s) => test(s.serverName ?? '');
    }
    case 'metadata':
      return metadataPredicate(p.metadata);
  }
}

/**
 * Compiles a principal. `authenticated` needs a verified peer certificate; its principal_name is
 * tried against the URI SANs, then the DNS SANs, then the subject, as Envoy does.
 */
export function createPrincipalPredicate(p: RbacPrincipal): RbacPredicate {
  switch (p.kind) {
    case 'any':
      return ALWAYS;
    case 'and': {
      const all = p.ids.map(createPrincipalPredicate);
      return (s) => all.every((f) => f(s));
    }
    case 'or': {
      const any = p.ids.map(createPrincipalPredicate);
      return (s) => any.some((f) => f(s));
    }
    case 'not': {
      const inner = createPrincipalPredicate(p.id);
      return (s) => !inner(s);
    }
    case 'authenticated': {
      if (!p.match) return (s) => s.connection.peerCertificate !== undefined;
      const test = createStringMatcher(p.match);
      return (s) => {
        const cert = s.connection.peerCertificate;
        if (!cert) return false;
        if (cert.principal !== undefined && test(cert.principal)) return true;
        return cert.uriSans.some(test) || cert.dnsSans.some(test) || (cert.subject !== '' && test(cert.subject));
      };
    }
    case 'direct_remote_ip':
    case 'source_ip':
      return cidrPredicate(p.cidr, (s) => s.connection.remoteAddress);
    case 'remote_ip':
      return cidrPredicate(p.cidr, (s) => s.remoteIp ?? s.connection.remoteAddress);
    case 'header':
      return headerPredicate(p.header);
    case 'url_path':
      return urlPathPredicate(p.match);
    case 'metadata':
      return metadataPredicate(p.metadata);
  }
}
