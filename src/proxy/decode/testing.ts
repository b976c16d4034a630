// Test support: turns config-dump JSON (nested Anys written with "@type") into packed xDS Anys.
import { packAny, type AnyMessage } from '../../xds/any.js';
import { messageNameOf } from '../../xds/type-urls.js';
import { structFromJson, type JsonObject } from '../../xds/struct.js';
import productpageDump from './testdata/productpage-dump.json' with { type: 'json' };

/** Config-dump JSON; an already packed Any may stand in for a nested message. */
export type Json = null | boolean | number | string | AnyMessage | Json[] | { [key: string]: Json };

function convert(value: Json, key: string): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, key));
  if (value === null || typeof value !== 'object' || 'type_url' in value) return value;
  if (typeof value['@type'] === 'string') return packJson(value as { [key: string]: Json });
  if (key === 'filter_metadata') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structFromJson(v as JsonObject)]));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // transport_socket_matches[].match is a Struct; RouteMatch's `match` is not (it has no "fields").
    out[k] = k === 'match' && key === 'transport_socket_matches' ? structFromJson(v as JsonObject) : convert(v, k);
  }
  return out;
}

/** Packs a dump object whose `@type` names its message, converting nested `@type` objects and Struct fields too. */
export function packJson(value: { [key: string]: Json }): AnyMessage {
  const { '@type': typeUrl, ...rest } = value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) out[k] = convert(v as Json, k);
  return packAny(messageNameOf(String(typeUrl)), out);
}

/** Packs `message` as `typeName` after converting nested `@type` objects. */
export function pack(typeName: string, message: { [key: string]: Json }): AnyMessage {
  return packJson({ '@type': `type.googleapis.com/${typeName}`, ...message });
}

/** Pilot's output for Bookinfo's productpage sidecar, packed as it travels over ADS. */
export function productpageResources(): { listeners: AnyMessage[]; routes: AnyMessage[]; clusters: AnyMessage[]; endpoints: AnyMessage[] } {
  const d = productpageDump as unknown as Record<'listeners' | 'routes' | 'clusters' | 'endpoints', { [key: string]: Json }[]>;
  return {
    listeners: d.listeners.map(packJson),
    routes: d.routes.map(packJson),
    clusters: d.clusters.map(packJson),
    endpoints: d.endpoints.map(packJson),
  };
}
