// Istio's header manipulation (set, add, remove on requests and responses) as Envoy header options.
// Setting `:authority` or `host` is an authority rewrite, and other pseudo-headers are left alone.
import type { HeaderValueOption } from '../../../xds/generated/envoy/config/core/v3/HeaderValueOption.js';
import type { HeaderOperations, Headers } from './virtual-service-view.js';

/** The Envoy side of a `headers` block. */
export interface TranslatedHeaders {
  readonly requestHeadersToAdd: HeaderValueOption[];
  readonly requestHeadersToRemove: string[];
  readonly responseHeadersToAdd: HeaderValueOption[];
  readonly responseHeadersToRemove: string[];
  /** The authority a request `set` (or else `add`) of `:authority`/`host` asks for. */
  readonly authority?: string;
}

const isAuthority = (name: string): boolean => name.toLowerCase() === ':authority' || name.toLowerCase() === 'host';
const isInternal = (name: string): boolean => name.startsWith(':') || name.toLowerCase() === 'host';

/** Translates `headers`: `set` overwrites (or adds), `add` appends; each list sorted by name, sets first. */
export function translateHeaders(headers: Headers | undefined): TranslatedHeaders {
  const req = headers?.request;
  const resp = headers?.response;
  const authority = authorityOf(req?.set) ?? authorityOf(req?.add);
  return {
    requestHeadersToAdd: options(req),
    requestHeadersToRemove: (req?.remove ?? []).filter((n) => !isInternal(n)),
    responseHeadersToAdd: options(resp),
    responseHeadersToRemove: (resp?.remove ?? []).filter((n) => !isInternal(n)),
    ...(authority !== undefined ? { authority } : {}),
  };
}

function options(ops: HeaderOperations | undefined): HeaderValueOption[] {
  return [...valueOptions(ops?.set, 'OVERWRITE_IF_EXISTS_OR_ADD'), ...valueOptions(ops?.add, 'APPEND_IF_EXISTS_OR_ADD')];
}

function valueOptions(values: Readonly<Record<string, string>> | undefined, action: 'OVERWRITE_IF_EXISTS_OR_ADD' | 'APPEND_IF_EXISTS_OR_ADD'): HeaderValueOption[] {
  if (!values) return [];
  return Object.keys(values)
    .filter((key) => !isInternal(key))
    .sort()
    .map((key) => ({ header: { key, value: values[key] ?? '' }, append_action: action }));
}

function authorityOf(values: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!values) return undefined;
  let found: string | undefined;
  for (const [key, value] of Object.entries(values)) if (isAuthority(key)) found = value;
  return found;
}
