// Versions of generated resources: a hash of their encoded bytes, so equal config has equal versions.
import { createHash } from 'node:crypto';
import type { XdsResource } from '../generators/generator.js';

const cache = new WeakMap<XdsResource, string>();

/** The version of one resource: 16 hex digits of the SHA-256 of its encoded bytes. */
export function resourceVersion(resource: XdsResource): string {
  let v = cache.get(resource);
  if (v === undefined) {
    v = createHash('sha256').update(resource.resource.value).digest('hex').slice(0, 16);
    cache.set(resource, v);
  }
  return v;
}

/** A hash of a whole response: the names, order and versions of its resources. */
export function responseHash(resources: readonly XdsResource[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(r.name).update('\0').update(resourceVersion(r)).update('\n');
  return h.digest('hex').slice(0, 16);
}
