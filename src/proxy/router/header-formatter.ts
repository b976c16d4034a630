// Expands the `%COMMAND%` values Envoy allows in header values, for the commands Istio configs
// use; an unknown command is left as written.
import type { ConnectionInfo } from '../http/exchange.js';
import type { RequestHead } from '../http/message.js';

/** What a header value may refer to. Every field is optional; a missing one expands to ''. */
export interface HeaderFormatContext {
  readonly connection?: ConnectionInfo;
  readonly request?: RequestHead;
  /** The chosen upstream endpoint as `address:port`, once known. */
  readonly upstreamAddress?: string;
}

/**
 * Expands `value`. Known: DOWNSTREAM_REMOTE_ADDRESS, DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT,
 * DOWNSTREAM_LOCAL_ADDRESS, DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT, DOWNSTREAM_LOCAL_PORT,
 * UPSTREAM_REMOTE_ADDRESS, PROTOCOL, REQ(name), and `%%` for a percent sign. Anything else,
 * including an unclosed `%`, is kept literally. Values without `%` are returned as they are.
 */
export function formatHeaderValue(value: string, ctx: HeaderFormatContext): string {
  if (!value.includes('%')) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const open = value.indexOf('%', i);
    if (open < 0) break;
    out += value.slice(i, open);
    if (value.charCodeAt(open + 1) === 37 /* % */) {
      out += '%';
      i = open + 2;
      continue;
    }
    const close = value.indexOf('%', open + 1);
    if (close < 0) {
      i = open;
      break;
    }
    const expanded = expand(value.slice(open + 1, close), ctx);
    if (expanded === undefined) {
      // Unknown: keep the opening '%' and go on from the next character, so '%a%b%' stays intact.
      out += '%';
      i = open + 1;
    } else {
      out += expanded;
      i = close + 1;
    }
  }
  return out + value.slice(i);
}

function expand(command: string, ctx: HeaderFormatContext): string | undefined {
  const c = ctx.connection;
  switch (command) {
    case 'DOWNSTREAM_REMOTE_ADDRESS':
      return c ? joinHostPort(c.remoteAddress, c.remotePort) : '';
    case 'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT':
      return c ? c.remoteAddress : '';
    case 'DOWNSTREAM_LOCAL_ADDRESS':
      return c ? joinHostPort(c.localAddress, c.localPort) : '';
    case 'DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT':
      return c ? c.localAddress : '';
    case 'DOWNSTREAM_LOCAL_PORT':
      return c ? String(c.localPort) : '';
    case 'UPSTREAM_REMOTE_ADDRESS':
      return ctx.upstreamAddress ?? '';
    case 'PROTOCOL':
      return ctx.request?.protocol ?? '';
  }
  if (command.startsWith('REQ(') && command.endsWith(')')) {
    const name = command.slice(4, -1).toLowerCase();
    const r = ctx.request;
    if (!r) return '';
    if (name === ':authority' || name === 'host') return r.authority;
    if (name === ':path') return r.path;
    if (name === ':method') return r.method;
    if (name === ':scheme') return r.scheme;
    return r.headers.get(name) ?? '';
  }
  return undefined;
}

function joinHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
