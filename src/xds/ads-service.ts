// The Aggregated Discovery Service definition, loaded with @grpc/proto-loader from Envoy's protos,
// for the control plane's server and the data plane's client alike.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/ads.js';
import { XDS_INCLUDE_DIRS } from './protos.js';

export type { DiscoveryRequest, DiscoveryRequest__Output } from './generated/envoy/service/discovery/v3/DiscoveryRequest.js';
export type { DiscoveryResponse, DiscoveryResponse__Output } from './generated/envoy/service/discovery/v3/DiscoveryResponse.js';
export type { DeltaDiscoveryRequest, DeltaDiscoveryRequest__Output } from './generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.js';
export type { DeltaDiscoveryResponse, DeltaDiscoveryResponse__Output } from './generated/envoy/service/discovery/v3/DeltaDiscoveryResponse.js';
export type { AggregatedDiscoveryServiceHandlers } from './generated/envoy/service/discovery/v3/AggregatedDiscoveryService.js';
export type { AggregatedDiscoveryServiceClient } from './generated/envoy/service/discovery/v3/AggregatedDiscoveryService.js';
export type { Node, Node__Output } from './generated/envoy/config/core/v3/Node.js';

/** Options that match the generated types: proto field names, string enums and longs, defaults, oneof markers. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [...XDS_INCLUDE_DIRS],
};

let loaded: ProtoGrpcType | undefined;

/** The loaded ADS package: `envoy.service.discovery.v3.AggregatedDiscoveryService` and its messages. */
export function loadAds(): ProtoGrpcType {
  loaded ??= grpc.loadPackageDefinition(
    protoLoader.loadSync('envoy/service/discovery/v3/ads.proto', PROTO_LOADER_OPTIONS),
  ) as unknown as ProtoGrpcType;
  return loaded;
}

/** The ADS service definition, for `server.addService`. */
export function adsServiceDefinition(): grpc.ServiceDefinition {
  return loadAds().envoy.service.discovery.v3.AggregatedDiscoveryService.service;
}
