// Unpacking a top-level xDS resource Any, with a wrong type URL or undecodable bytes as decode errors.
import { unpackAny, type AnyMessage } from '../../xds/any.js';
import type { DecodeErrors } from './decode-result.js';

/** The message inside `any` when it is of `typeUrl` and decodes; undefined (and an error) otherwise. */
export function unpackResource<T>(any: AnyMessage, typeUrl: string, errors: DecodeErrors): T | undefined {
  if (any.type_url !== typeUrl) {
    errors.add('', `expected a resource of ${typeUrl}, got ${any.type_url}`);
    return undefined;
  }
  try {
    return unpackAny<T>(any);
  } catch (err) {
    errors.add('', (err as Error).message);
    return undefined;
  }
}
