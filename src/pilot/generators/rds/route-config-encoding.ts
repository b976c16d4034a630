// RouteConfiguration encoding that reuses the bytes of virtual hosts already encoded: a sidecar's
// route configuration holds a virtual host per service, and a new push usually changes few of them.
import type { RouteConfiguration } from '../../../xds/generated/envoy/config/route/v3/RouteConfiguration.js';
import { TYPE_URL_PREFIX, encodeMessage } from '../../../xds/index.js';
import type { XdsResource } from '../generator.js';
import { bufferView } from './proto-wire.js';
import { virtualHostField } from './virtual-host-encoding.js';

const ROUTE_CONFIGURATION = 'envoy.config.route.v3.RouteConfiguration';

/**
 * Encodes `rc` as a RouteConfiguration. The bytes decode to what encodeMessage would give, with
 * the repeated fields `virtual_hosts` and `routes` written after the other fields of their
 * message (protobuf allows any field order). Virtual hosts and routes lists are encoded once and
 * their bytes reused while the routes list lives (see virtualHostField), so what a new push
 * leaves unchanged is not encoded again. In strict mode every new part is field-checked as
 * encodeMessage checks it.
 */
export function encodeRouteConfiguration(rc: RouteConfiguration): Buffer {
  const { virtual_hosts: vhosts, ...rest } = rc;
  const parts: Buffer[] = [bufferView(encodeMessage(ROUTE_CONFIGURATION, rest))];
  if (vhosts) {
    for (let start = 0; start < vhosts.length; start += RUN_LENGTH) {
      const run: Buffer[] = [];
      for (let i = start; i < Math.min(start + RUN_LENGTH, vhosts.length); i++) run.push(virtualHostField(vhosts[i]!));
      parts.push(joinRun(run));
    }
  }
  return Buffer.concat(parts);
}

/**
 * Virtual host fields are joined in runs of this many, each run kept while its fields are the
 * same Buffers: joining a thousand small Buffers costs more than copying their bytes, so a push
 * that changes one virtual host joins one run of them and the runs.
 */
export const RUN_LENGTH = 32;

/** Joined runs by their first field, with the fields they were joined from. */
const joinedRuns = new WeakMap<Buffer, { readonly fields: readonly Buffer[]; readonly bytes: Buffer }>();

/** `fields` (at least one) joined: the same Buffer as last time when the fields are the same Buffers, in order. */
export function joinRun(fields: readonly Buffer[]): Buffer {
  const first = fields[0]!;
  const known = joinedRuns.get(first);
  if (known && known.fields.length === fields.length && known.fields.every((f, i) => f === fields[i])) return known.bytes;
  const bytes = fields.length === 1 ? first : Buffer.concat(fields);
  joinedRuns.set(first, { fields, bytes });
  return bytes;
}

/** A RouteConfiguration as an xDS resource named after it, encoded by {@link encodeRouteConfiguration}. */
export function routeConfigurationResource(rc: RouteConfiguration): XdsResource {
  return {
    name: rc.name ?? '',
    resource: { type_url: `${TYPE_URL_PREFIX}${ROUTE_CONFIGURATION}`, value: encodeRouteConfiguration(rc) },
    message: { ...rc },
  };
}
