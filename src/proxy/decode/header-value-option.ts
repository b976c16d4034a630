// Envoy's header mutations (HeaderValueOption lists and remove lists) as runtime HeaderOperations.
import type { HeaderValueOption__Output } from '../../xds/generated/envoy/config/core/v3/HeaderValueOption.js';
import type { HeaderOperations, HeaderValueOption } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';

/** The header fields a route, virtual host, route configuration or weighted cluster carries. */
export interface HeaderMutationFields {
  readonly request_headers_to_add: readonly HeaderValueOption__Output[];
  readonly request_headers_to_remove: readonly string[];
  readonly response_headers_to_add: readonly HeaderValueOption__Output[];
  readonly response_headers_to_remove: readonly string[];
}

/** Shared, frozen: most routes mutate no header. */
export const NO_HEADER_OPERATIONS: HeaderOperations = Object.freeze({
  requestHeadersToAdd: [],
  requestHeadersToRemove: [],
  responseHeadersToAdd: [],
  responseHeadersToRemove: [],
});

/** One HeaderValueOption; the deprecated `append` BoolValue wins over append_action when set, as in Envoy. */
export function decodeHeaderValueOption(o: HeaderValueOption__Output, errors: DecodeErrors, path: string): HeaderValueOption | undefined {
  if (!o.header || !o.header.key) {
    errors.add(`${path}.header.key`, 'header name missing');
    return undefined;
  }
  const value = o.header.value !== '' || !o.header.raw_value?.length ? o.header.value : Buffer.from(o.header.raw_value).toString('utf8');
  const name = o.header.key.toLowerCase();
  if (o.append) return { name, value, action: o.append.value ? 'append' : 'overwrite' };
  switch (o.append_action) {
    case 'APPEND_IF_EXISTS_OR_ADD':
      return { name, value, action: 'append' };
    case 'ADD_IF_ABSENT':
      return { name, value, action: 'add_if_absent' };
    case 'OVERWRITE_IF_EXISTS_OR_ADD':
      return { name, value, action: 'overwrite' };
    default:
      errors.add(`${path}.append_action`, `unsupported append action ${String(o.append_action)}`);
      return undefined;
  }
}

/** The header operations of `fields`; the shared empty value when there are none. */
export function decodeHeaderOperations(fields: HeaderMutationFields, errors: DecodeErrors, path: string): HeaderOperations {
  const empty =
    fields.request_headers_to_add.length === 0 &&
    fields.request_headers_to_remove.length === 0 &&
    fields.response_headers_to_add.length === 0 &&
    fields.response_headers_to_remove.length === 0;
  if (empty) return NO_HEADER_OPERATIONS;
  const prefix = path ? `${path}.` : '';
  const list = (items: readonly HeaderValueOption__Output[], field: string): HeaderValueOption[] =>
    items.map((o, i) => decodeHeaderValueOption(o, errors, `${prefix}${field}[${i}]`)).filter((o): o is HeaderValueOption => o !== undefined);
  return {
    requestHeadersToAdd: list(fields.request_headers_to_add, 'request_headers_to_add'),
    requestHeadersToRemove: fields.request_headers_to_remove.map((n) => n.toLowerCase()),
    responseHeadersToAdd: list(fields.response_headers_to_add, 'response_headers_to_add'),
    responseHeadersToRemove: fields.response_headers_to_remove.map((n) => n.toLowerCase()),
  };
}
