// RouteConfiguration encoding that reuses the bytes of routes already encoded: a sidecar's route
// configuration holds a virtual host per service, and a new push usually changes few of them.
import type { Route } from '../../../xds/generated/envoy/config/route/v3/Route.js';
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import type { VirtualHost } from '../../../xds/generated/envoy/config/route/v3/VirtualHost.js';
import { TYPE_URL_PREFIX, encodeMessage, messageType } from '../../../xds/index.js';
import type { XdsResource } from '../generator.js';

const ROUTE_CONFIGURATION = 'envoy.config.route.v3.RouteConfiguration';
const VIRTUAL_HOST = 'envoy.config.route.v3.VirtualHost';
const ROUTE = 'envoy.config.route.v3.Route';

/** The encoded `routes` fields of a virtual host, per routes list; lists are shared and never changed once built. */
const encodedRoutes = new WeakMap<readonly Route[], Buffer>();

let fieldKeys: { virtualHosts: Buffer; routes: Buffer } | undefined;

/** The wire keys (field number, length-delimited) of the two repeated fields spliced in. */
function keys(): { virtualHosts: Buffer; routes: Buffer } {
  fieldKeys ??= {
    virtualHosts: varint((fieldId(ROUTE_CONFIGURATION, 'virtual_hosts') << 3) | 2),
    routes: varint((fieldId(VIRTUAL_HOST, 'routes') << 3) | 2),
  };
  return fieldKeys;
}

function fieldId(typeName: string, field: string): number {
  const found = messageType(typeName).fields[field];
  if (!found) throw new Error(`${typeName} has no field ${field}`);
  return found.id;
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function view(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function routesBytes(routes: readonly Route[]): Buffer {
  let bytes = encodedRoutes.get(routes);
  if (!bytes) {
    const parts: Buffer[] = [];
    for (const route of routes) {
      const encoded = encodeMessage(ROUTE, route);
      parts.push(keys().routes, varint(encoded.byteLength), view(encoded));
    }
    encodedRoutes.set(routes, (bytes = Buffer.concat(parts)));
  }
  return bytes;
}

/**
 * The encoded fields of a virtual host other than its routes, remembered per routes list and
 * JSON text: virtual hosts are rebuilt every push, but mostly with the same name and domains.
 */
const encodedShells = new WeakMap<readonly Route[], Map<string, Buffer>>();

function shellBytes(shell: Omit<VirtualHost, 'routes'>, routes: readonly Route[] | undefined): Buffer {
  if (!routes) return view(encodeMessage(VIRTUAL_HOST, shell));
  let byJson = encodedShells.get(routes);
  if (!byJson) encodedShells.set(routes, (byJson = new Map()));
  const json = JSON.stringify(shell);
  let bytes = byJson.get(json);
  if (!bytes) {
    // A routes list is shared by the hosts of one VirtualService; more variants than that are churn.
    if (byJson.size >= 64) byJson.clear();
    byJson.set(json, (bytes = view(encodeMessage(VIRTUAL_HOST, shell))));
  }
  return bytes;
}

/**
 * Encodes `rc` as a RouteConfiguration. The bytes decode to what encodeMessage would give, with
 * the repeated fields `virtual_hosts` and `routes` written after the other fields of their
 * message (protobuf allows any field order). Each routes list is encoded once and its bytes are
 * reused for as long as the list lives, so routes kept across pushes are not encoded again.
 * In strict mode every part is field-checked as encodeMessage checks it.
 */
export function encodeRouteConfiguration(rc: RouteConfiguration): Buffer {
  const { virtual_hosts: vhosts, ...rest } = rc;
  const parts: Buffer[] = [view(encodeMessage(ROUTE_CONFIGURATION, rest))];
  for (const { routes, ...shell } of vhosts ?? []) {
    const head = shellBytes(shell, routes ?? undefined);
    const tail = routes ? routesBytes(routes) : EMPTY;
    parts.push(keys().virtualHosts, varint(head.byteLength + tail.byteLength), head, tail);
  }
  return Buffer.concat(parts);
}

const EMPTY = Buffer.alloc(0);

/** A RouteConfiguration as an xDS resource named after it, encoded by {@link encodeRouteConfiguration}. */
export function routeConfigurationResource(rc: RouteConfiguration): XdsResource {
  return {
    name: rc.name ?? '',
    resource: { type_url: `${TYPE_URL_PREFIX}${ROUTE_CONFIGURATION}`, value: encodeRouteConfiguration(rc) },
    message: { ...rc },
  };
}
