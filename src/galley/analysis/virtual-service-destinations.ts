// Every destination a VirtualService sends traffic to, with the field path of each.
import type { FieldPath, VirtualServiceSpec } from '../../api/index.js';

/** One route or mirror destination of a VirtualService. */
export interface RoutedDestination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  /** True for `mirror` and `mirrors`, which copy traffic rather than route it. */
  readonly mirror: boolean;
  /** The path of the `destination` object (or of `mirror`, which is a destination itself). */
  readonly path: FieldPath;
}

interface DestinationLike {
  readonly host?: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}

function routed(d: DestinationLike | undefined, path: FieldPath, mirror: boolean): RoutedDestination[] {
  if (!d || typeof d.host !== 'string' || d.host === '') return [];
  return [{ host: d.host, subset: d.subset || undefined, port: d.port?.number, mirror, path }];
}

/** The destinations of `http`, `tcp` and `tls` routes, and of HTTP mirrors, in document order. */
export function destinationsOf(spec: VirtualServiceSpec): RoutedDestination[] {
  const out: RoutedDestination[] = [];
  (spec.http ?? []).forEach((rule, i) => {
    (rule.route ?? []).forEach((r, j) => out.push(...routed(r.destination, ['spec', 'http', i, 'route', j, 'destination'], false)));
    out.push(...routed(rule.mirror, ['spec', 'http', i, 'mirror'], true));
    (rule.mirrors ?? []).forEach((m, j) => out.push(...routed(m.destination, ['spec', 'http', i, 'mirrors', j, 'destination'], true)));
  });
  for (const protocol of ['tcp', 'tls'] as const) {
    (spec[protocol] ?? []).forEach((rule, i) => {
      (rule.route ?? []).forEach((r, j) => out.push(...routed(r.destination, ['spec', protocol, i, 'route', j, 'destination'], false)));
    });
  }
  return out;
}
