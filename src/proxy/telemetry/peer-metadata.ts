// Istio's plaintext metadata exchange: who the peer is, carried in x-envoy-peer-metadata headers.
import protobuf from 'protobufjs';
import type { PeerWorkload } from './events.js';
import type { HeaderMap } from '../http/headers.js';
import { structFromJson, structToJson, type JsonObject, type JsonValue } from '../../xds/struct.js';
import { canonicalRevisionOf, canonicalServiceOf, type WorkloadIdentity } from './workload-identity.js';

/** The header holding the base64 of a serialized `google.protobuf.Struct` of the sender's node metadata. */
export const PEER_METADATA_HEADER = 'x-envoy-peer-metadata';
/** The header holding the sender's proxy id (`sidecar~<ip>~<name>.<ns>~<ns>.svc.cluster.local`). */
export const PEER_METADATA_ID_HEADER = 'x-envoy-peer-metadata-id';

/** The encoded pair a sidecar adds to requests (outbound) or responses (inbound). */
export interface PeerMetadataHeaders {
  readonly id: string;
  readonly value: string;
}

// Only the Struct message is needed: protobufjs ships it, so the Envoy protos need not load.
const structType = protobuf.Root.fromJSON(protobuf.common.get('google/protobuf/struct.proto')!).lookupType(
  'google.protobuf.Struct',
);

const encoded = new WeakMap<WorkloadIdentity, PeerMetadataHeaders>();

/**
 * The metadata headers for `self`, with the fields Istio's proxies send (WORKLOAD_NAME, NAME,
 * NAMESPACE, LABELS with the canonical name and revision, CLUSTER_ID, SERVICE_ACCOUNT, MESH_ID,
 * OWNER). Encoded once per identity object, since it never changes.
 */
export function encodePeerMetadata(self: WorkloadIdentity): PeerMetadataHeaders {
  let headers = encoded.get(self);
  if (headers) return headers;
  const labels: Record<string, JsonValue> = { ...self.labels };
  labels['service.istio.io/canonical-name'] = canonicalServiceOf(self.labels, self.name);
  labels['service.istio.io/canonical-revision'] = canonicalRevisionOf(self.labels);
  const json: JsonObject = {
    NAME: self.name,
    NAMESPACE: self.namespace,
    WORKLOAD_NAME: self.name,
    LABELS: labels,
    CLUSTER_ID: self.cluster,
    SERVICE_ACCOUNT: self.serviceAccount,
    MESH_ID: self.trustDomain,
    OWNER: `kubernetes://apis/apps/v1/namespaces/${self.namespace}/deployments/${self.name}`,
  };
  const bytes = structType.encode(structType.fromObject(structFromJson(json))).finish();
  headers = Object.freeze({
    id: `${self.proxyType ?? 'sidecar'}~${self.ip ?? '0.0.0.0'}~${self.name}.${self.namespace}~${self.namespace}.svc.cluster.local`,
    value: Buffer.from(bytes).toString('base64'),
  });
  encoded.set(self, headers);
  return headers;
}

const MAX_DECODED = 256;
const decoded = new Map<string, PeerWorkload | null>();
let lastValue: string | undefined;
let lastPeer: PeerWorkload | undefined;

/**
 * The peer a metadata header describes, or undefined when the value is not base64 of a Struct
 * naming at least a workload or a namespace. The principal stays empty: plaintext metadata proves
 * nothing. Results are cached per header value, so one peer yields one (frozen) object.
 */
export function decodePeerMetadata(value: string): PeerWorkload | undefined {
  // A peer sends the same value on every request: comparing with the last one is cheaper than
  // hashing the (long, new each time) string for the map.
  if (value === lastValue) return lastPeer;
  const hit = decoded.get(value);
  if (hit !== undefined) {
    lastValue = value;
    lastPeer = hit ?? undefined;
    return lastPeer;
  }
  const peer = decodeUncached(value);
  if (decoded.size >= MAX_DECODED) decoded.clear();
  decoded.set(value, peer ?? null);
  lastValue = value;
  lastPeer = peer;
  return peer;
}

function decodeUncached(value: string): PeerWorkload | undefined {
  if (value.length === 0 || !/^[A-Za-z0-9+/_-]+=*$/.test(value)) return undefined;
  let json: JsonObject;
  try {
    json = structToJson(structType.toObject(structType.decode(Buffer.from(value, 'base64'))));
  } catch {
    return undefined;
  }
  const workload = str(json['WORKLOAD_NAME']);
  const namespace = str(json['NAMESPACE']);
  if (!workload && !namespace) return undefined;
  const rawLabels = json['LABELS'];
  const labels: Record<string, string> = {};
  if (rawLabels && typeof rawLabels === 'object' && !Array.isArray(rawLabels)) {
    for (const [k, v] of Object.entries(rawLabels as JsonObject)) if (typeof v === 'string') labels[k] = v;
  }
  return Object.freeze({
    workload,
    namespace,
    principal: '',
    app: labels['app'] || labels['app.kubernetes.io/name'] || '',
    version: labels['version'] || labels['app.kubernetes.io/version'] || '',
    canonicalService: canonicalServiceOf(labels, workload),
    canonicalRevision: canonicalRevisionOf(labels),
    cluster: str(json['CLUSTER_ID']),
  });
}

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/**
 * Reads the peer from `headers` and removes both metadata headers, so the app (or the client)
 * never sees them. Undefined when absent or unreadable.
 */
export function takePeerMetadata(headers: HeaderMap): PeerWorkload | undefined {
  const value = headers.get(PEER_METADATA_HEADER);
  headers.remove(PEER_METADATA_ID_HEADER);
  if (value === undefined) return undefined;
  headers.remove(PEER_METADATA_HEADER);
  return decodePeerMetadata(value);
}

/** Adds `self`'s metadata headers, replacing any already there. */
export function addPeerMetadata(headers: HeaderMap, self: WorkloadIdentity): void {
  const h = encodePeerMetadata(self);
  headers.set(PEER_METADATA_ID_HEADER, h.id);
  headers.set(PEER_METADATA_HEADER, h.value);
}
