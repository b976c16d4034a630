// A registry of decoders for nested Anys (filters, transport sockets), keyed by type URL, so that a
// new kind plugs in by registering and an unknown type URL becomes a decode error, never a crash.
import { unpackAny, type AnyMessage } from '../../xds/any.js';
import { TYPE_URL_PREFIX } from '../../xds/type-urls.js';
import type { DecodeErrors } from './decode-result.js';

/** Decodes one unpacked message into `T`, recording problems at `path`; undefined when it cannot. */
export type TypedConfigDecoder<T> = (message: never, errors: DecodeErrors, path: string) => T | undefined;

/** Decoders of one kind of extension (`network filter`, `HTTP filter`, ...), keyed by full type URL. */
export class TypedConfigRegistry<T> {
  private readonly decoders = new Map<string, TypedConfigDecoder<T>>();

  /** `kind` names the extension point in error messages: `unsupported network filter <type url>`. */
  constructor(readonly kind: string) {}

  /** Registers `decode` for the message `typeName` (`envoy.extensions.filters.http.router.v3.Router`). */
  register<M>(typeName: string, decode: (message: M, errors: DecodeErrors, path: string) => T | undefined): this {
    this.decoders.set(`${TYPE_URL_PREFIX}${typeName}`, decode as TypedConfigDecoder<T>);
    return this;
  }

  /** Registers a type the runtime knows but cannot serve yet: it decodes to an error saying so. */
  registerUnsupported(typeName: string, reason: string): this {
    return this.register(typeName, (_m: unknown, errors, path) => {
      errors.add(path, `${this.kind} ${typeName}: ${reason}`);
      return undefined;
    });
  }

  /** True when `typeUrl` has a decoder. */
  has(typeUrl: string): boolean {
    return this.decoders.has(typeUrl);
  }

  /**
   * Unpacks `any` and decodes it. A missing Any, an unknown type URL and bytes that do not decode
   * are errors at `path`; undefined then.
   */
  decode(any: AnyMessage | null | undefined, errors: DecodeErrors, path: string): T | undefined {
    if (!any) {
      errors.add(path, `${this.kind} config missing`);
      return undefined;
    }
    const decode = this.decoders.get(any.type_url);
    if (!decode) {
      errors.add(path, `unsupported ${this.kind} ${any.type_url}`);
      return undefined;
    }
    let message: unknown;
    try {
      message = unpackAny(any);
    } catch (err) {
      errors.add(path, (err as Error).message);
      return undefined;
    }
    return decode(message as never, errors, path);
  }
}
