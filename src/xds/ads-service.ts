// The Aggregated Discovery Service definition, for the control plane's server and the data plane's
// client alike, built on the Envoy API root of protos.ts rather than a second parse of the protos.
import * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type { ProtoGrpcType } from './generated/ads.js';
import { XDS_INCLUDE_DIRS, xdsRoot } from './protos.js';

export type { DiscoveryRequest, DiscoveryRequest__Output } from './generated/envoy/service/discovery/v3/DiscoveryRequest.js';
export type { DiscoveryResponse, DiscoveryResponse__Output } from './generated/envoy/service/discovery/v3/DiscoveryResponse.js';
export type { DeltaDiscoveryRequest, DeltaDiscoveryRequest__Output } from './generated/envoy/service/discovery/v3/DeltaDiscoveryRequest.js';
export type { DeltaDiscoveryResponse, DeltaDiscoveryResponse__Output } from './generated/envoy/service/discovery/v3/DeltaDiscoveryResponse.js';
export type { AggregatedDiscoveryServiceHandlers } from './generated/envoy/service/discovery/v3/AggregatedDiscoveryService.js';
export type { AggregatedDiscoveryServiceClient } from './generated/envoy/service/discovery/v3/AggregatedDiscoveryService.js';
export type { Node, Node__Output } from './generated/envoy/config/core/v3/Node.js';

/**
 * Options that match the generated types: proto field names, string enums and longs, defaults,
 * oneof markers. The ADS definition below converts messages with them, as proto-loader would;
 * tools and tests that load other services with proto-loader pass them too.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [...XDS_INCLUDE_DIRS],
};

/** How a received message becomes the plain object the generated `__Output` types describe. */
const RECEIVED_OBJECT_OPTIONS: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

const ADS_SERVICE = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

/** The gRPC client constructor for ADS, with its service definition as `.service`. */
export type AdsClientConstructor = ProtoGrpcType['envoy']['service']['discovery']['v3']['AggregatedDiscoveryService'];

/** The part of the ADS package Heddle uses: the service, at its path in the proto package. */
export interface AdsPackage {
  readonly envoy: { readonly service: { readonly discovery: { readonly v3: { readonly AggregatedDiscoveryService: AdsClientConstructor } } } };
}

function serializer(type: protobuf.Type): grpc.serialize<object> {
  return (message) => {
    if (Array.isArray(message)) throw new TypeError(`cannot send an array as ${type.fullName.slice(1)}`);
    return type.encode(type.fromObject(message)).finish() as Buffer;
  };
}

function deserializer(type: protobuf.Type): grpc.deserialize<object> {
  return (bytes) => type.toObject(type.decode(bytes), RECEIVED_OBJECT_OPTIONS);
}

/**
 * The gRPC definition of `service`'s methods: paths, streaming, and the message conversions
 * proto-loader makes with {@link PROTO_LOADER_OPTIONS} (objects in, bytes out, and back).
 */
export function serviceDefinitionOf(service: protobuf.Service): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${service.fullName.slice(1)}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
  }
  return definition;
}

let loaded: AdsPackage | undefined;

/** The ADS package: `envoy.service.discovery.v3.AggregatedDiscoveryService`, a client constructor with `.service`. */
export function loadAds(): AdsPackage {
  if (!loaded) {
    const client = grpc.makeGenericClientConstructor(serviceDefinitionOf(xdsRoot().lookupService(ADS_SERVICE)), ADS_SERVICE);
    loaded = { envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: client as unknown as AdsClientConstructor } } } } };
  }
  return loaded;
}

/** The ADS service definition, for `server.addService`. */
export function adsServiceDefinition(): grpc.ServiceDefinition {
  return loadAds().envoy.service.discovery.v3.AggregatedDiscoveryService.service;
}
