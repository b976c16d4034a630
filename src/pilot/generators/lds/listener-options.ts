// Settings of the listener generators: the capture ports (flags later) and the security hook.
import { NO_LISTENER_SECURITY, type ListenerSecurity } from './listener-security.js';

export interface ListenerOptions {
  /** The sidecar's outbound capture port, `virtualOutbound` (Istio: 15001). */
  readonly virtualOutboundPort: number;
  /** The sidecar's inbound capture port, `virtualInbound` (Istio: 15006). */
  readonly virtualInboundPort: number;
  /** Where Citadel's filters and inbound TLS plug in. */
  readonly security: ListenerSecurity;
}

export const DEFAULT_LISTENER_OPTIONS: ListenerOptions = Object.freeze({
  virtualOutboundPort: 15001,
  virtualInboundPort: 15006,
  security: NO_LISTENER_SECURITY,
});

/** Options with defaults applied; throws a RangeError naming a port that is not 1–65535. */
export function listenerOptions(partial: Partial<ListenerOptions> = {}): ListenerOptions {
  const out = { ...DEFAULT_LISTENER_OPTIONS, ...partial };
  for (const key of ['virtualOutboundPort', 'virtualInboundPort'] as const) {
    const port = out[key];
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`listener options: ${key} must be a port (1-65535), got ${port}`);
  }
  return Object.freeze(out);
}
