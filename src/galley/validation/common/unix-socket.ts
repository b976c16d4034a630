// Unix domain socket addresses (`unix:///var/run/app.sock`, `unix://@abstract`), as binds and endpoints use them.

/** The prefix that marks an address as a Unix domain socket. */
export const UNIX_ADDRESS_PREFIX = 'unix://';

/** True when `address` names a Unix domain socket. */
export function isUnixAddress(address: string): boolean {
  return address.startsWith(UNIX_ADDRESS_PREFIX);
}

/**
 * A reason a `unix://` address is invalid, or undefined. The part after the prefix must be an
 * absolute file path (`/var/run/app.sock`) or an abstract socket name starting with `@`.
 */
export function checkUnixAddress(address: string): string | undefined {
  const path = address.startsWith(UNIX_ADDRESS_PREFIX) ? address.slice(UNIX_ADDRESS_PREFIX.length) : address;
  if (path.length === 0) return `"${address}" names no socket: use unix:///absolute/path or unix://@name`;
  if (path.startsWith('@')) return undefined;
  if (!path.startsWith('/') || path.endsWith('/')) {
    return `"${address}" is not an absolute path to a socket file: use unix:///absolute/path or unix://@name`;
  }
  return undefined;
}
