// grpc-js-xds's own Listener and RouteConfiguration decoders, for tests that check what we send
// proxyless clients is what they accept. They are internal modules, loaded by path.
import { createRequire } from 'node:module';
import type { AnyMessage } from '../../../xds/index.js';

const require = createRequire(import.meta.url);

/** What a grpc-js-xds resource type makes of one resource: its decoded value, or why it is NACKed. */
export interface GrpcDecodeResult {
  readonly name: string;
  readonly value?: Record<string, unknown>;
  readonly error?: string;
}

interface ResourceType {
  decode(context: unknown, resource: AnyMessage): GrpcDecodeResult;
}

let registered = false;

function resourceType(file: string, exportName: string): ResourceType {
  if (!registered) {
    // Registers the fault and router filters, which listener validation looks up.
    (require('@grpc/grpc-js-xds') as { register(): void }).register();
    registered = true;
  }
  const mod = require(`@grpc/grpc-js-xds/build/src/xds-resource-type/${file}`) as Record<string, { get(): ResourceType }>;
  return mod[exportName]!.get();
}

/** A context with no certificate providers: enough for plaintext listeners. */
const CONTEXT = { bootstrap: { certificateProviders: {} }, server: undefined };

/** Decodes and validates a Listener as a grpc-js-xds client would. */
export function grpcDecodeListener(resource: AnyMessage): GrpcDecodeResult {
  return resourceType('listener-resource-type.js', 'ListenerResourceType').decode(CONTEXT, { type_url: resource.type_url, value: Buffer.from(resource.value) });
}

/** Decodes and validates a RouteConfiguration as a grpc-js-xds client would. */
export function grpcDecodeRouteConfiguration(resource: AnyMessage): GrpcDecodeResult {
  return resourceType('route-config-resource-type.js', 'RouteConfigurationResourceType').decode(CONTEXT, { type_url: resource.type_url, value: Buffer.from(resource.value) });
}
