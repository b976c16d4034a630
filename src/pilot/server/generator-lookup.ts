// Finding the generator for a proxy and a type URL, most specific key first, as Istio does.
import type { Generator } from '../generators/generator.js';
import type { Proxy } from '../model/proxy.js';
import type { Generators } from './contracts.js';

/** The key a generator is registered under: `scope/typeUrl`, or the bare type URL for all Envoy-style proxies. */
export function generatorKey(scope: 'grpc' | 'sidecar' | 'router' | undefined, typeUrl: string): string {
  return scope ? `${scope}/${typeUrl}` : typeUrl;
}

/**
 * The generator for `typeUrl` and `proxy`: a non-Envoy generator family (`grpc/…`) first, then
 * the proxy type (`router/…`, `sidecar/…`), then the bare type URL. Undefined when none is registered.
 */
export function findGenerator(generators: Generators, proxy: Proxy, typeUrl: string): Generator | undefined {
  if (proxy.generator !== 'envoy') {
    const own = generators.get(generatorKey(proxy.generator, typeUrl));
    if (own) return own;
  }
  return generators.get(generatorKey(proxy.type, typeUrl)) ?? generators.get(typeUrl);
}
