// Envoy's RedirectAction and DirectResponseAction: routes that answer without an upstream.
import type { RedirectAction__Output } from '../../xds/generated/envoy/config/route/v3/RedirectAction.js';
import type { DirectResponseAction__Output } from '../../xds/generated/envoy/config/route/v3/DirectResponseAction.js';
import type { DirectResponseAction, RedirectAction } from '../config/route.js';
import type { DecodeErrors } from './decode-result.js';
import { decodeRegexMatcher } from './string-matcher.js';

const REDIRECT_CODES: Readonly<Record<string, number>> = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  SEE_OTHER: 303,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
};

/** A redirect: scheme (https_redirect is `https`), host, port, path or prefix/regex rewrite, code (301 by default). */
export function decodeRedirectAction(m: RedirectAction__Output, errors: DecodeErrors, path: string): RedirectAction {
  const responseCode = REDIRECT_CODES[m.response_code];
  if (responseCode === undefined) errors.add(`${path}.response_code`, `unknown response code ${String(m.response_code)}`);
  let scheme: string | undefined;
  if (m.scheme_rewrite_specifier === 'https_redirect' && m.https_redirect) scheme = 'https';
  else if (m.scheme_rewrite_specifier === 'scheme_redirect' && m.scheme_redirect) scheme = m.scheme_redirect;
  let regexRewrite: RedirectAction['regexRewrite'];
  if (m.path_rewrite_specifier === 'regex_rewrite' && m.regex_rewrite) {
    const pattern = decodeRegexMatcher(m.regex_rewrite.pattern, errors, `${path}.regex_rewrite.pattern`);
    if (pattern !== undefined) regexRewrite = { pattern, substitution: m.regex_rewrite.substitution };
  }
  return {
    kind: 'redirect',
    ...(scheme ? { scheme } : {}),
    ...(m.host_redirect ? { host: m.host_redirect } : {}),
    ...(m.port_redirect ? { port: m.port_redirect } : {}),
    ...(m.path_rewrite_specifier === 'path_redirect' && m.path_redirect ? { path: m.path_redirect } : {}),
    ...(m.path_rewrite_specifier === 'prefix_rewrite' && m.prefix_rewrite !== undefined ? { prefixRewrite: m.prefix_rewrite } : {}),
    ...(regexRewrite ? { regexRewrite } : {}),
    responseCode: responseCode ?? 301,
    stripQuery: m.strip_query,
  };
}

/** A direct response: the status (100..599) and an inline body; file or environment bodies are errors. */
export function decodeDirectResponse(m: DirectResponseAction__Output, errors: DecodeErrors, path: string): DirectResponseAction {
  if (m.status < 100 || m.status > 599) errors.add(`${path}.status`, 'must be within 100..599');
  let body: string | undefined;
  const b = m.body;
  if (b?.specifier === 'inline_string') body = b.inline_string;
  else if (b?.specifier === 'inline_bytes') body = Buffer.from(b.inline_bytes ?? []).toString('utf8');
  else if (b?.specifier) errors.add(`${path}.body.${b.specifier}`, 'not supported; use an inline body');
  return { kind: 'direct_response', status: m.status, ...(body !== undefined ? { body } : {}) };
}
