// Runs the generator for one proxy and one watched type, and keeps what the proxy asked for.
// A type with no generator is answered with nothing, as go-control-plane and Istio do, and is
// logged once; a generator that throws is logged and its type is left as it was.
import type { Logger } from '../../log/index.js';
import { shortTypeName } from '../../xds/index.js';
import type { XdsResource } from '../generators/generator.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import type { Generators } from './contracts.js';
import { findGenerator } from './generator-lookup.js';
import { wants, type WatchedType } from './watched-type.js';

/** Generates a watched type for a proxy; undefined when nothing should be sent. */
export type GenerateResources = (proxy: Proxy, watched: WatchedType, push: PushContext) => readonly XdsResource[] | undefined;

/** Creates the generation step over a generator registry. */
export function createResourceGeneration(generators: Generators, log: Logger): GenerateResources {
  const warned = new Set<string>();
  return (proxy, watched, push) => {
    const generator = findGenerator(generators, proxy, watched.typeUrl);
    if (!generator) {
      const key = `${proxy.generator}/${proxy.type}/${watched.typeUrl}`;
      if (!warned.has(key)) {
        warned.add(key);
        log.warn(
          { proxy: proxy.id, typeUrl: watched.typeUrl, generator: proxy.generator, proxyType: proxy.type },
          `no generator for ${shortTypeName(watched.typeUrl)} (${proxy.generator} ${proxy.type} proxies); such requests get no response`,
        );
      }
      return undefined;
    }
    try {
      const names = watched.wildcard ? undefined : [...watched.names];
      const resources = generator.generate(proxy, push, names);
      return watched.wildcard ? resources : resources.filter((r) => wants(watched, r.name));
    } catch (err) {
      log.error(
        { proxy: proxy.id, typeUrl: watched.typeUrl, version: push.version, err },
        `generating ${shortTypeName(watched.typeUrl)} for ${proxy.id} failed; it keeps its last config`,
      );
      return undefined;
    }
  };
}
