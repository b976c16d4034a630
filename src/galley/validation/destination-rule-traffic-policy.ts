// DestinationRule traffic policies: connection pools, outlier detection, client TLS and per-port settings.
import type { ClientTlsSettings, ConnectionPoolSettings, FieldPath, OutlierDetectionSettings } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkDnsName, checkPercentage, checkPort, isIpAddress } from './common/index.js';
import { checkMillisecondDuration } from './common/duration-precision.js';
import { validateLoadBalancer, type LoadBalancerView } from './destination-rule-load-balancer.js';

/** The parts of a policy that a port-level policy can also set. */
export interface PortPolicyView {
  readonly port?: { readonly number?: number };
  readonly connectionPool?: ConnectionPoolSettings;
  readonly loadBalancer?: LoadBalancerView;
  readonly outlierDetection?: OutlierDetectionSettings;
  readonly tls?: ClientTlsSettings;
}

/** A traffic policy, as far as validation reads it (the generated type is too heavy to index). */
export interface TrafficPolicyView extends PortPolicyView {
  readonly portLevelSettings?: readonly PortPolicyView[];
  readonly tunnel?: { readonly protocol?: string; readonly targetHost?: string; readonly targetPort?: number };
  readonly proxyProtocol?: unknown;
  readonly retryBudget?: { readonly percent?: number; readonly minRetryConcurrency?: number };
}

const POLICY_FIELDS = [
  'connectionPool', 'loadBalancer', 'outlierDetection', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol', 'retryBudget',
] as const;
const PORT_POLICY_FIELDS = ['connectionPool', 'loadBalancer', 'outlierDetection', 'tls'] as const;

/** Reports a duration field that is not a duration of at least 1ms, to the millisecond. */
function reportDuration(value: unknown, path: FieldPath, report: Reporter): void {
  if (typeof value !== 'string') return;
  const bad = checkMillisecondDuration(value);
  if (bad) report.error(path, bad);
}

/** Reports a count field that is negative. */
function reportNonNegative(value: unknown, path: FieldPath, report: Reporter): void {
  if (typeof value === 'number' && value < 0) report.error(path, `must not be negative, got ${value}`);
}

function reportPercent(value: unknown, path: FieldPath, report: Reporter): void {
  if (value === undefined) return;
  const bad = checkPercentage(value);
  if (bad) report.error(path, bad);
}

/** Reports every problem of a traffic policy at `path` (`spec.trafficPolicy`, or a subset's). */
export function validateTrafficPolicy(policy: TrafficPolicyView, path: FieldPath, report: Reporter): void {
  if (!POLICY_FIELDS.some((f) => policy[f] !== undefined)) {
    report.error(path, `a traffic policy needs at least one of ${POLICY_FIELDS.join(', ')}`);
    return;
  }
  if (policy.tunnel && policy.proxyProtocol) {
    report.error([...path, 'proxyProtocol'], 'cannot be set with tunnel: use one of them');
  }
  validatePolicyParts(policy, path, report);
  validatePortLevelSettings(policy.portLevelSettings, [...path, 'portLevelSettings'], report);
  const tunnel = policy.tunnel;
  if (tunnel) {
    const at = [...path, 'tunnel'];
    if (tunnel.protocol && tunnel.protocol !== 'CONNECT' && tunnel.protocol !== 'POST') {
      report.error([...at, 'protocol'], `tunnel protocol must be "CONNECT" or "POST", got "${tunnel.protocol}"`);
    }
    if (typeof tunnel.targetHost === 'string' && !isIpAddress(tunnel.targetHost)) {
      const bad = checkDnsName(tunnel.targetHost);
      if (bad) report.error([...at, 'targetHost'], `target host must be an FQDN or an IP address: ${bad}`);
    }
    if (tunnel.targetPort !== undefined) {
      const bad = checkPort(tunnel.targetPort);
      if (bad) report.error([...at, 'targetPort'], bad);
    }
  }
  const budget = policy.retryBudget;
  if (budget) {
    reportPercent(budget.percent, [...path, 'retryBudget', 'percent'], report);
    reportNonNegative(budget.minRetryConcurrency, [...path, 'retryBudget', 'minRetryConcurrency'], report);
  }
}

/** The parts a policy shares with a port-level policy. */
function validatePolicyParts(policy: PortPolicyView, path: FieldPath, report: Reporter): void {
  if (policy.connectionPool) validateConnectionPool(policy.connectionPool, [...path, 'connectionPool'], report);
  if (policy.outlierDetection) validateOutlierDetection(policy.outlierDetection, [...path, 'outlierDetection'], report);
  if (policy.loadBalancer) {
    validateLoadBalancer(policy.loadBalancer, [...path, 'loadBalancer'], policy.outlierDetection !== undefined, report);
  }
  if (policy.tls) validateClientTls(policy.tls, [...path, 'tls'], report);
}

/** Each port-level policy names a port, once, and sets at least one policy for it. */
function validatePortLevelSettings(settings: TrafficPolicyView['portLevelSettings'], path: FieldPath, report: Reporter): void {
  const seen = new Set<number>();
  (settings ?? []).forEach((pls, i) => {
    if (!pls || typeof pls !== 'object') return;
    const at = [...path, i];
    const number = pls.port?.number;
    if (number === undefined) report.error([...at, 'port'], 'port is required: the port number these settings apply to');
    else {
      const bad = checkPort(number);
      if (bad) report.error([...at, 'port', 'number'], bad);
      else if (seen.has(number)) report.error([...at, 'port', 'number'], `port ${number} already has settings: merge them into one entry`);
      seen.add(number);
    }
    if (!PORT_POLICY_FIELDS.some((f) => pls[f] !== undefined)) {
      report.error(at, `port-level settings need at least one of ${PORT_POLICY_FIELDS.join(', ')}`);
      return;
    }
    validatePolicyParts(pls, at, report);
  });
}

function validateConnectionPool(pool: ConnectionPoolSettings, path: FieldPath, report: Reporter): void {
  const { tcp, http } = pool;
  if (!tcp && !http) report.error(path, 'a connection pool needs tcp or http settings');
  if (tcp) {
    const at = [...path, 'tcp'];
    reportNonNegative(tcp.maxConnections, [...at, 'maxConnections'], report);
    reportDuration(tcp.connectTimeout, [...at, 'connectTimeout'], report);
    reportDuration(tcp.maxConnectionDuration, [...at, 'maxConnectionDuration'], report);
    reportDuration(tcp.idleTimeout, [...at, 'idleTimeout'], report);
    if (tcp.tcpKeepalive) {
      reportDuration(tcp.tcpKeepalive.time, [...at, 'tcpKeepalive', 'time'], report);
      reportDuration(tcp.tcpKeepalive.interval, [...at, 'tcpKeepalive', 'interval'], report);
    }
  }
  if (http) {
    const at = [...path, 'http'];
    for (const field of ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'maxConcurrentStreams'] as const) {
      reportNonNegative(http[field], [...at, field], report);
    }
    reportDuration(http.idleTimeout, [...at, 'idleTimeout'], report);
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol) {
      report.error([...at, 'useClientProtocol'], 'cannot be true when h2UpgradePolicy is UPGRADE: either keep the client\'s protocol or upgrade to HTTP/2');
    }
  }
}

function validateOutlierDetection(od: OutlierDetectionSettings, path: FieldPath, report: Reporter): void {
  reportDuration(od.interval, [...path, 'interval'], report);
  reportDuration(od.baseEjectionTime, [...path, 'baseEjectionTime'], report);
  for (const field of ['consecutive5xxErrors', 'consecutiveGatewayErrors', 'consecutiveLocalOriginFailures', 'consecutiveErrors'] as const) {
    reportNonNegative(od[field], [...path, field], report);
  }
  if (od.consecutiveErrors !== undefined && od.consecutiveErrors !== 0) {
    report.warning([...path, 'consecutiveErrors'], 'consecutiveErrors is deprecated: use consecutive5xxErrors or consecutiveGatewayErrors');
  }
  if ((od.consecutiveLocalOriginFailures ?? 0) > 0 && !od.splitExternalLocalOriginErrors) {
    report.error([...path, 'consecutiveLocalOriginFailures'], 'counts local origin failures only when splitExternalLocalOriginErrors is true');
  }
  for (const field of ['maxEjectionPercent', 'minHealthPercent'] as const) reportPercent(od[field], [...path, field], report);
}

const CERT_FIELDS = ['clientCertificate', 'privateKey', 'caCertificates', 'caCrl'] as const;

/**
 * Client TLS by mode. SIMPLE and MUTUAL take their certificates either from a `credentialName`
 * secret or from files, not both; MUTUAL from files needs a client certificate and key.
 * ISTIO_MUTUAL uses the mesh's certificates, so certificate fields are ignored.
 */
function validateClientTls(tls: ClientTlsSettings, path: FieldPath, report: Reporter): void {
  const mode = tls.mode ?? 'DISABLE';
  const setCerts = CERT_FIELDS.filter((f) => tls[f]);
  if (tls.insecureSkipVerify) {
    const conflicts = mode === 'SIMPLE' ? (['caCertificates', 'credentialName', 'subjectAltNames'] as const)
      : mode === 'MUTUAL' ? (['caCertificates', 'subjectAltNames'] as const) : [];
    for (const f of conflicts) {
      if (tls[f] !== undefined && tls[f] !== '') report.error([...path, f], 'cannot be set with insecureSkipVerify, which skips verifying the server');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && tls.credentialName) {
    for (const f of setCerts) report.error([...path, f], 'cannot be set with credentialName: the certificates come from the secret');
    return;
  }
  if (mode === 'MUTUAL') {
    if (!tls.clientCertificate) report.error([...path, 'clientCertificate'], 'MUTUAL TLS needs a client certificate (or a credentialName)');
    if (!tls.privateKey) report.error([...path, 'privateKey'], 'MUTUAL TLS needs a private key (or a credentialName)');
  }
  if (mode === 'ISTIO_MUTUAL') {
    for (const f of [...setCerts, ...(tls.credentialName ? ['credentialName' as const] : [])]) {
      report.warning([...path, f], 'is ignored with ISTIO_MUTUAL, which uses the mesh\'s certificates');
    }
  }
  if (mode === 'DISABLE') {
    for (const f of [...setCerts, ...(tls.credentialName ? ['credentialName' as const] : [])]) {
      report.warning([...path, f], 'is ignored when TLS mode is DISABLE');
    }
  }
}
