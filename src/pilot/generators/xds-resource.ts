// Packing generated messages into xDS resources.
import { packAny } from '../../xds/index.js';
import type { XdsResource } from './generator.js';

/**
 * Packs `message` as `typeName` (`envoy.config.cluster.v3.Cluster`) into an XdsResource called
 * `name`. Throws XdsMessageError when the message has a field its type does not have: that is a
 * generator bug, and tests should catch it.
 */
export function toXdsResource(typeName: string, name: string, message: Record<string, unknown>): XdsResource {
  return { name, resource: packAny(typeName, message), message };
}
