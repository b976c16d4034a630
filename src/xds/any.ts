// google.protobuf.Any packing and unpacking for xDS resources, with a strict field check:
// protobufjs drops unknown or misspelt fields without a word, so every message is checked first.
import protobuf from 'protobufjs';
import { messageType } from './protos.js';
import { TYPE_URL_PREFIX, messageNameOf } from './type-urls.js';

/** An Any as it travels: the full type URL and the message encoded on its own. */
export interface AnyMessage {
  readonly type_url: string;
  readonly value: Buffer | Uint8Array;
}

/** A message that cannot be encoded or decoded, with the field paths at fault. */
export class XdsMessageError extends Error {
  readonly code = 'XDS_MESSAGE';
  constructor(readonly typeName: string, readonly problems: readonly string[], options?: { cause?: unknown }) {
    super(`${typeName}: ${problems.join('; ')}`, options);
    this.name = 'XdsMessageError';
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * Lists the problems of `value` as a `type` message: unknown fields, and nested messages that
 * are not objects. Any fields must be packed (`{type_url, value}`) and are not looked into.
 */
export function checkMessageFields(type: protobuf.Type, value: unknown, path = ''): string[] {
  if (!isPlainObject(value)) return [`${path || '<root>'}: expected an object for ${type.fullName.slice(1)}`];
  const problems: string[] = [];
  const oneofNames = new Set(Object.keys(type.oneofs ?? {}));
  for (const [key, child] of Object.entries(value)) {
    const field = type.fields[key];
    const at = path ? `${path}.${key}` : key;
    if (!field) {
      if (oneofNames.has(key) && typeof child === 'string') continue; // virtual oneof marker from decoding
      problems.push(`${at}: unknown field of ${type.fullName.slice(1)}`);
      continue;
    }
    if (child === null || child === undefined) continue;
    field.resolve();
    const resolved = field.resolvedType;
    if (!(resolved instanceof protobuf.Type)) continue;
    if (resolved.fullName === '.google.protobuf.Any') {
      const items: Array<[string, unknown]> = field.map
        ? isPlainObject(child) ? Object.entries(child).map(([k, v]) => [`${at}[${k}]`, v]) : []
        : field.repeated
          ? Array.isArray(child) ? child.map((v, i) => [`${at}[${i}]`, v]) : []
          : [[at, child]];
      for (const [where, item] of items) {
        if (!isPlainObject(item) || typeof item.type_url !== 'string') problems.push(`${where}: an Any must be packed as {type_url, value}`);
      }
      continue;
    }
    if (field.map) {
      if (!isPlainObject(child)) problems.push(`${at}: expected a map`);
      else for (const [k, v] of Object.entries(child)) problems.push(...checkMessageFields(resolved, v, `${at}[${k}]`));
    } else if (field.repeated) {
      if (!Array.isArray(child)) problems.push(`${at}: expected a list`);
      else child.forEach((item, i) => problems.push(...checkMessageFields(resolved, item, `${at}[${i}]`)));
    } else {
      problems.push(...checkMessageFields(resolved, child, at));
    }
  }
  return problems;
}

/**
 * Whether encoding checks every field against its type first. The check catches generator bugs
 * (a misspelt field would otherwise vanish) but costs as much as the encoding itself, so it is on
 * in tests and development (`HEDDLE_XDS_STRICT=1`, which the test runner sets) and off otherwise.
 */
let strict = process.env.HEDDLE_XDS_STRICT === '1';

/** Turns the field check of {@link encodeMessage} on or off. */
export function setStrictEncoding(on: boolean): void {
  strict = on;
}

/**
 * One writer reused for every message. A new writer starts at 128 bytes and grows by copying,
 * which cost as much as the encoding; a reused one has grown to fit already. It is taken out
 * while in use, so a nested call would get its own.
 */
let spareWriter: protobuf.Writer | undefined;
/** A writer grown past this by a large message is let go rather than held. */
const MAX_KEPT_WRITER_BYTES = 1 << 20;

/**
 * Encodes `message` (plain object, proto field names) as `typeName`; in strict mode throws
 * XdsMessageError on unknown fields. It goes through `fromObject`, whose generated code is
 * cheaper than any generic conversion of enum names and gives the encoder objects of one shape.
 */
export function encodeMessage(typeName: string, message: object): Uint8Array {
  const type = messageType(typeName);
  if (strict) {
    const problems = checkMessageFields(type, message);
    if (problems.length > 0) throw new XdsMessageError(typeName, problems);
  }
  const writer = spareWriter ?? protobuf.Writer.create();
  spareWriter = undefined;
  // If encoding throws, the writer (perhaps mid-message) goes with the exception.
  const bytes = type.encode(type.fromObject(message), writer.reset()).finish();
  if (bytes.byteLength <= MAX_KEPT_WRITER_BYTES) spareWriter = writer;
  return bytes;
}

/** Packs `message` into an Any of `typeName` (`envoy.config.cluster.v3.Cluster`). */
export function packAny(typeName: string, message: object): AnyMessage {
  const bytes = encodeMessage(typeName, message);
  return { type_url: `${TYPE_URL_PREFIX}${typeName}`, value: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** Options that decode messages the way the generated `__Output` types describe them. */
export const DECODE_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  arrays: true,
  objects: true,
};

/** Decodes an Any into a plain object of its type; throws XdsMessageError when it cannot. */
export function unpackAny<T = Record<string, unknown>>(any: AnyMessage): T {
  const typeName = messageNameOf(any.type_url);
  let type: protobuf.Type;
  try {
    type = messageType(typeName);
  } catch (err) {
    throw new XdsMessageError(typeName, ['unknown message type'], { cause: err });
  }
  try {
    return type.toObject(type.decode(any.value), DECODE_OPTIONS) as T;
  } catch (err) {
    throw new XdsMessageError(typeName, [`cannot decode: ${(err as Error).message}`], { cause: err });
  }
}
