// Capture mode (iptables redirect) in the sidecar: where the capture listeners bind. Inbound
// forwards to the pod IP from 127.0.0.6 come from Pilot's clusters (INTERCEPTION_MODE REDIRECT).
import { isIPv6 } from 'node:net';

/**
 * The address a capture listener binds: its configured address, except that `0.0.0.0` becomes
 * `::` (dual stack, so one socket serves both families) for an IPv6 instance IP.
 */
export function captureBindAddress(listenerAddress: string, instanceIp: string): string {
  return listenerAddress === '0.0.0.0' && isIPv6(instanceIp) ? '::' : listenerAddress;
}
