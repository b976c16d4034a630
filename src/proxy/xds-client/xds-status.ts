// What the xDS client knows about each type across streams, and the status it reports to the admin endpoint.
import { shortTypeName } from '../../xds/type-urls.js';
import { SIDECAR_TYPES, type SidecarTypeUrl } from './resource-decoders.js';

/** Per-type protocol state that outlives a stream: what was accepted last, and the last rejection. */
export interface TypeState {
  /** The version_info (SotW) or system_version_info (Delta) of the last accepted response. */
  version: string;
  /** The nonce of the last response received. */
  nonce: string;
  /** The error_detail message of the last NACK sent, cleared by the next ACK. */
  lastNackError?: string;
  /** Delta: the version of every accepted resource, for initial_resource_versions on reconnect. */
  readonly resourceVersions: Map<string, string>;
}

/** Fresh state for the four sidecar types. */
export function createTypeStates(): Map<SidecarTypeUrl, TypeState> {
  return new Map(SIDECAR_TYPES.map((t) => [t, { version: '', nonce: '', resourceVersions: new Map<string, string>() }]));
}

/** One type's status, for `/config_dump`-style admin output. */
export interface XdsTypeStatus {
  readonly typeUrl: string;
  readonly version: string;
  readonly nonce: string;
  readonly resources: number;
  readonly lastNackError?: string;
}

/** The client's status: the stream, and each type by its short name (CDS, EDS, LDS, RDS). */
export interface XdsClientStatus {
  readonly server: string;
  readonly protocol: 'sotw' | 'delta';
  readonly connected: boolean;
  readonly types: Readonly<Record<string, XdsTypeStatus>>;
}

/** Builds the status from the per-type states and resource counts. */
export function statusOf(
  server: string,
  protocol: 'sotw' | 'delta',
  connected: boolean,
  states: ReadonlyMap<SidecarTypeUrl, TypeState>,
  count: (t: SidecarTypeUrl) => number,
): XdsClientStatus {
  const types: Record<string, XdsTypeStatus> = {};
  for (const [typeUrl, s] of states) {
    types[shortTypeName(typeUrl)] = {
      typeUrl,
      version: s.version,
      nonce: s.nonce,
      resources: count(typeUrl),
      ...(s.lastNackError !== undefined ? { lastNackError: s.lastNackError } : {}),
    };
  }
  return { server, protocol, connected, types };
}
