// The listener filters the sidecar runs before choosing a filter chain, registered by type URL.
import type { ListenerFilter__Output } from '../../xds/generated/envoy/config/listener/v3/ListenerFilter.js';
import type { ListenerConfig } from '../config/listener.js';
import type { DecodeErrors } from './decode-result.js';
import { TypedConfigRegistry } from './typed-config-registry.js';

type ListenerFilterKind = ListenerConfig['listenerFilters'][number];

/** Listener filter type URLs → the runtime's listener filter names. */
export const LISTENER_FILTERS = new TypedConfigRegistry<ListenerFilterKind>('listener filter')
  .register('envoy.extensions.filters.listener.original_dst.v3.OriginalDst', () => 'original_dst')
  .register('envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector', () => 'tls_inspector')
  .register('envoy.extensions.filters.listener.http_inspector.v3.HttpInspector', () => 'http_inspector');

/** The listener_filters in order; filter_disabled predicates are not supported. */
export function decodeListenerFilters(filters: readonly ListenerFilter__Output[], errors: DecodeErrors, path: string): ListenerFilterKind[] {
  const out: ListenerFilterKind[] = [];
  filters.forEach((f, i) => {
    const at = `${path}[${i}]`;
    if (f.config_type !== 'typed_config') {
      errors.add(at, 'only typed_config is supported (no config_discovery)');
      return;
    }
    if (f.filter_disabled) errors.add(`${at}.filter_disabled`, 'not supported');
    const kind = LISTENER_FILTERS.decode(f.typed_config, errors, `${at}.typed_config`);
    if (kind) out.push(kind);
  });
  return out;
}
