// Reading Istio's keys out of Envoy Metadata (filter_metadata, a map of Structs).
import type { Metadata__Output } from '../../xds/generated/envoy/config/core/v3/Metadata.js';
import { structToJson, type JsonObject, type JsonValue } from '../../xds/struct.js';

/** The filter_metadata entry `filter` as plain JSON; empty when absent. */
export function filterMetadata(m: Metadata__Output | null | undefined, filter: string): JsonObject {
  const struct = m?.filter_metadata?.[filter];
  return struct ? structToJson(struct) : {};
}

/** `value` when it is a string, otherwise undefined. */
export function stringOf(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
