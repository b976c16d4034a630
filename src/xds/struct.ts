// google.protobuf.Struct to plain JSON and back, for node metadata on both planes.
import type { Struct, Struct__Output } from './generated/google/protobuf/Struct.js';
import type { Value, Value__Output } from './generated/google/protobuf/Value.js';

/** A JSON value, as a Struct holds one. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object, as a Struct holds one. */
export type JsonObject = { readonly [key: string]: JsonValue };

type AnyStruct = Struct | Struct__Output;
type AnyValue = Value | Value__Output;

/**
 * The plain JSON object that a decoded `google.protobuf.Struct` holds. It reads proto-loader's
 * output (`{fields: {KEY: {stringValue, kind}}}`) and, leniently, the snake_case spelling
 * (`string_value`) that other decoders produce. A missing struct is an empty object.
 */
export function structToJson(struct: AnyStruct | null | undefined): JsonObject {
  const out: Record<string, JsonValue> = {};
  const fields = struct?.fields;
  if (!fields || typeof fields !== 'object') return out;
  for (const [key, value] of Object.entries(fields)) out[key] = valueToJson(value);
  return out;
}

/** The plain JSON value that a decoded `google.protobuf.Value` holds; an empty Value is null. */
export function valueToJson(value: AnyValue | null | undefined): JsonValue {
  if (!value || typeof value !== 'object') return null;
  const v = value as AnyValue & Record<string, unknown>;
  switch (v.kind ?? kindOf(v)) {
    case 'stringValue':
      return String(v.stringValue ?? v['string_value'] ?? '');
    case 'numberValue':
      return Number(v.numberValue ?? v['number_value'] ?? 0);
    case 'boolValue':
      return Boolean(v.boolValue ?? v['bool_value'] ?? false);
    case 'structValue':
      return structToJson((v.structValue ?? v['struct_value']) as AnyStruct | null | undefined);
    case 'listValue': {
      const list = (v.listValue ?? v['list_value']) as { values?: AnyValue[] } | null | undefined;
      return (list?.values ?? []).map(valueToJson);
    }
    default:
      return null;
  }
}

/** Which member of the `kind` oneof is set, when the decoder gave no `kind` marker. */
function kindOf(v: Record<string, unknown>): Value['kind'] | undefined {
  const present = (camel: string, snake: string): boolean => v[camel] != null || v[snake] != null;
  if (present('stringValue', 'string_value')) return 'stringValue';
  if (present('numberValue', 'number_value')) return 'numberValue';
  if (present('boolValue', 'bool_value')) return 'boolValue';
  if (present('structValue', 'struct_value')) return 'structValue';
  if (present('listValue', 'list_value')) return 'listValue';
  return undefined;
}

/** A `google.protobuf.Struct` holding `json`, ready for proto-loader to encode. */
export function structFromJson(json: JsonObject): Struct {
  const fields: Record<string, Value> = {};
  for (const [key, value] of Object.entries(json)) fields[key] = valueFromJson(value);
  return { fields };
}

/** A `google.protobuf.Value` holding `json`. Numbers that are not finite become null, as in JSON. */
export function valueFromJson(json: JsonValue): Value {
  if (json === null) return { nullValue: 'NULL_VALUE', kind: 'nullValue' };
  if (typeof json === 'string') return { stringValue: json, kind: 'stringValue' };
  if (typeof json === 'boolean') return { boolValue: json, kind: 'boolValue' };
  if (typeof json === 'number') {
    return Number.isFinite(json) ? { numberValue: json, kind: 'numberValue' } : { nullValue: 'NULL_VALUE', kind: 'nullValue' };
  }
  if (isJsonArray(json)) return { listValue: { values: json.map(valueFromJson) }, kind: 'listValue' };
  return { structValue: structFromJson(json), kind: 'structValue' };
}

function isJsonArray(json: JsonValue): json is readonly JsonValue[] {
  return Array.isArray(json);
}
