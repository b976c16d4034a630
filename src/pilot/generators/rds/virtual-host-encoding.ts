// Encoded virtual hosts kept for as long as their routes list lives: a sidecar's route
// configuration holds a virtual host per service, rebuilt as objects every push but mostly with
// the same name, domains and routes, so their bytes are reused instead of encoded again.
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import { encodeMessage } from '../../../xds/index.js';
import { bufferView, lengthDelimitedField, lengthDelimitedKey } from './proto-wire.js';

const ROUTE_CONFIGURATION = 'envoy.config.route.v3.RouteConfiguration';
const VIRTUAL_HOST = 'envoy.config.route.v3.VirtualHost';
const ROUTE = 'envoy.config.route.v3.Route';

/** One encoding of a virtual host over a routes list: the shell fields it was made from, and its bytes. */
interface EncodedVirtualHost {
  readonly domains: readonly string[] | null | undefined;
  readonly attemptCount: boolean | null | undefined;
  readonly field: Buffer;
}

/**
 * How many encodings of one virtual host name over one routes list are kept. A routes list
 * belongs to one proxy view (see route-cache.ts), so its hosts' domains rarely vary; more
 * variants than this are churn, and the oldest is encoded again when asked.
 */
export const MAX_VARIANTS_PER_NAME = 8;

/** The encoded `routes` fields, per routes list; lists are shared and never changed once built. */
const encodedRoutes = new WeakMap<readonly Route[], Buffer>();
/** Encoded virtual hosts by routes list, then by name, newest first. */
const encodedHosts = new WeakMap<readonly Route[], Map<string, EncodedVirtualHost[]>>();

let fieldKeys: { virtualHosts: Buffer; routes: Buffer } | undefined;

/** The wire keys of `RouteConfiguration.virtual_hosts` and `VirtualHost.routes`. */
function keys(): { virtualHosts: Buffer; routes: Buffer } {
  fieldKeys ??= { virtualHosts: lengthDelimitedKey(ROUTE_CONFIGURATION, 'virtual_hosts'), routes: lengthDelimitedKey(VIRTUAL_HOST, 'routes') };
  return fieldKeys;
}

function routesBytes(routes: readonly Route[]): Buffer {
  let bytes = encodedRoutes.get(routes);
  if (!bytes) {
    const key = keys().routes;
    bytes = Buffer.concat(routes.map((route) => lengthDelimitedField(key, [bufferView(encodeMessage(ROUTE, route))])));
    encodedRoutes.set(routes, bytes);
  }
  return bytes;
}

/** True when `vhost` sets nothing but the fields a sidecar's virtual hosts use, the ones the cache compares. */
function isPlainHost(vhost: VirtualHost): boolean {
  for (const key in vhost) {
    if (key !== 'name' && key !== 'domains' && key !== 'routes' && key !== 'include_request_attempt_count') return false;
  }
  return true;
}

function sameDomains(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function encodeField(vhost: VirtualHost): Buffer {
  const { routes, ...shell } = vhost;
  const head = bufferView(encodeMessage(VIRTUAL_HOST, shell));
  return lengthDelimitedField(keys().virtualHosts, routes ? [head, routesBytes(routes)] : [head]);
}

/** Fields of frozen plain virtual hosts (whose domains are frozen too), by object: what unique-virtual-hosts.ts keeps across pushes. */
const frozenHostFields = new WeakMap<VirtualHost, Buffer>();

/**
 * `vhost` as one `virtual_hosts` field of a RouteConfiguration: the field key, the length, then
 * the VirtualHost with its `routes` written after its other fields (protobuf allows any field
 * order). A virtual host of only name, domains, routes and include_request_attempt_count is
 * encoded once per routes list and equal shell; the same Buffer is returned while the list lives.
 * A frozen one with frozen domains is looked up by identity first. Routes lists are
 * taken as immutable once built. In strict mode new parts are field-checked as
 * encodeMessage checks them.
 */
export function virtualHostField(vhost: VirtualHost): Buffer {
  const frozen = Object.isFrozen(vhost);
  if (frozen) {
    const known = frozenHostFields.get(vhost);
    if (known) return known;
  }
  const field = sharedField(vhost);
  if (frozen && (!vhost.domains || Object.isFrozen(vhost.domains)) && isPlainHost(vhost)) frozenHostFields.set(vhost, field);
  return field;
}

function sharedField(vhost: VirtualHost): Buffer {
  const routes = vhost.routes;
  if (!routes || !isPlainHost(vhost)) return encodeField(vhost);
  let byName = encodedHosts.get(routes);
  if (!byName) encodedHosts.set(routes, (byName = new Map()));
  const name = vhost.name ?? '';
  let variants = byName.get(name);
  if (!variants) byName.set(name, (variants = []));
  for (const v of variants) {
    if (v.attemptCount === vhost.include_request_attempt_count && sameDomains(v.domains, vhost.domains)) return v.field;
  }
  const field = encodeField(vhost);
  // A copy, so that a caller changing its array later cannot change what the bytes are matched against.
  variants.unshift({ domains: vhost.domains ? [...vhost.domains] : vhost.domains, attemptCount: vhost.include_request_attempt_count, field });
  if (variants.length > MAX_VARIANTS_PER_NAME) variants.length = MAX_VARIANTS_PER_NAME;
  return field;
}
