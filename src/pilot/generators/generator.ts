// What a generator is: one per xDS type and proxy kind, turning a push context into resources.
import type { AnyMessage, XdsTypeUrl } from '../../xds/index.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../model/proxy.js';

/** One generated xDS resource: its name, the packed Any that goes on the wire, and the plain message for debugging. */
export interface XdsResource {
  readonly name: string;
  readonly resource: AnyMessage;
  readonly message: Readonly<Record<string, unknown>>;
}

/** The names a proxy asked for, or undefined for all (a wildcard subscription). */
export type ResourceNames = readonly string[] | undefined;

/** Builds one xDS type for one kind of proxy. */
export interface Generator {
  readonly typeUrl: XdsTypeUrl;
  generate(proxy: Proxy, push: PushContext, names: ResourceNames): readonly XdsResource[];
}
