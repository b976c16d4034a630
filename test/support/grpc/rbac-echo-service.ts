// Loads the two-method echo.Echo service of the proxyless gRPC server tests.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

/** rbac-echo.proto beside the sources (tests run from a dist folder; the proto stays in test/). */
export const RBAC_ECHO_PROTO = fileURLToPath(new URL('../../../../test/support/grpc/rbac-echo.proto', import.meta.url));

export interface HelloRequest {
  name?: string;
}
export interface HelloReply {
  message: string;
}

type Unary = (req: HelloRequest, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, reply?: HelloReply) => void) => grpc.ClientUnaryCall;

export type RbacEchoClient = grpc.Client & { Hello: Unary; Forbidden: Unary };

/** The echo.Echo service definition and client constructor. */
export function loadRbacEcho(): { service: grpc.ServiceDefinition; Client: new (target: string, creds: grpc.ChannelCredentials) => RbacEchoClient } {
  const def = grpc.loadPackageDefinition(protoLoader.loadSync(RBAC_ECHO_PROTO, { keepCase: true, defaults: true }));
  const ctor = (def.echo as grpc.GrpcObject).Echo as grpc.ServiceClientConstructor;
  return { service: ctor.service, Client: ctor as unknown as new (target: string, creds: grpc.ChannelCredentials) => RbacEchoClient };
}
