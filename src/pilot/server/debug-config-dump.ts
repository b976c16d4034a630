// What the control plane last sent one proxy, decoded from the bytes on the wire into plain JSON
// (nested Any expanded with its `@type`, Struct as plain objects), as `/debug/config_dump` serves it
// and `heddle proxy-config` prints it.
import protobuf from 'protobufjs';
import { messageNameOf, messageType, shortTypeName, type AnyMessage } from '../../xds/index.js';
import { structToJson, valueToJson } from '../../xds/struct.js';
import { resourceVersion } from './resource-version.js';
import type { XdsConnection } from './xds-connection.js';

/** One resource as dumped. */
export interface DumpedResource {
  readonly name: string;
  /** The resource's version: a hash of its bytes. */
  readonly version: string;
  readonly resource: Readonly<Record<string, unknown>>;
}

/** One type's resources as dumped. */
export interface DumpedType {
  readonly typeUrl: string;
  readonly type: string;
  /** The version of the last response of this type. */
  readonly version?: string;
  readonly resources: readonly DumpedResource[];
}

/** The body of `/debug/config_dump?proxyID=…`. */
export interface ConfigDumpResponse {
  readonly proxy: string;
  readonly connection: string;
  readonly version?: string;
  readonly configs: readonly DumpedType[];
}

/** The dump, or why there is none. */
export type ConfigDumpResult =
  | { readonly ok: true; readonly dump: ConfigDumpResponse }
  | { readonly ok: false; readonly code: 'PROXY_NOT_FOUND'; readonly message: string };

const TO_JSON: protobuf.IConversionOptions = { json: true, longs: String, enums: String, bytes: String };

/** Decodes one Any into plain JSON with its `@type` first; throws when its type is not loaded. */
export function decodeResource(any: AnyMessage): Record<string, unknown> {
  const type = messageType(messageNameOf(any.type_url));
  const object = type.toObject(type.decode(any.value), TO_JSON);
  return { '@type': any.type_url, ...plainJson(type, object) };
}

/** Rewrites Struct and Value fields (which protobufjs leaves as `{fields: …}`) as plain JSON, recursively. */
function plainJson(type: protobuf.Type, object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const field = type.fields[key];
    field?.resolve();
    const resolved = field?.resolvedType;
    if (!field || !(resolved instanceof protobuf.Type) || value === null || typeof value !== 'object') {
      out[key] = value;
      continue;
    }
    const convert = (v: unknown): unknown => convertMessage(resolved, v);
    if (field.map) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    else if (Array.isArray(value)) out[key] = value.map(convert);
    else out[key] = convert(value);
  }
  return out;
}

function convertMessage(type: protobuf.Type, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  switch (type.fullName) {
    case '.google.protobuf.Struct':
      return structToJson(value as Parameters<typeof structToJson>[0]);
    case '.google.protobuf.Value':
      return valueToJson(value as Parameters<typeof valueToJson>[0]);
    case '.google.protobuf.Any': {
      const typeUrl = (value as Record<string, unknown>)['@type'];
      if (typeof typeUrl !== 'string') return value;
      try {
        return { '@type': typeUrl, ...plainJson(messageType(messageNameOf(typeUrl)), value as Record<string, unknown>) };
      } catch {
        return value;
      }
    }
    default:
      return plainJson(type, value as Record<string, unknown>);
  }
}

function dumpOf(conn: XdsConnection): ConfigDumpResponse {
  const configs = conn.watchedInOrder().map((w) => ({
    typeUrl: w.typeUrl,
    type: shortTypeName(w.typeUrl),
    ...(w.versionSent !== undefined ? { version: w.versionSent } : {}),
    resources: [...w.resources.values()].map((r) => {
      let resource: Record<string, unknown>;
      try {
        resource = decodeResource(r.resource);
      } catch {
        resource = { '@type': r.resource.type_url, ...r.message };
      }
      return { name: r.name, version: resourceVersion(r), resource };
    }),
  }));
  return { proxy: conn.proxy.id, connection: conn.id, ...(conn.pushVersion !== undefined ? { version: conn.pushVersion } : {}), configs };
}

/** `/debug/config_dump`: the newest connection of proxy `proxyId`. */
export function configDump(connections: readonly XdsConnection[], proxyId: string): ConfigDumpResult {
  const conn = connections.filter((c) => c.proxy.id === proxyId).at(-1);
  if (!conn) return { ok: false, code: 'PROXY_NOT_FOUND', message: `no connected proxy has the id "${proxyId}"` };
  return { ok: true, dump: dumpOf(conn) };
}
