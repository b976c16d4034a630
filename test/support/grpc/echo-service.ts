// Loads the test Echo service definition.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

/** The echo.proto beside the sources (tests run from dist/, the proto stays in test/). */
export const ECHO_PROTO = fileURLToPath(new URL('../../../../test/support/grpc/echo.proto', import.meta.url));

export interface EchoRequest {
  fail_with_code?: number;
  delay_ms?: number;
}
export interface EchoReply {
  server_id: string;
}

export type EchoClient = grpc.Client & {
  Call(req: EchoRequest, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, reply?: EchoReply) => void): grpc.ClientUnaryCall;
};

/** The Echo service constructor from echo.proto. */
export function loadEcho(): { service: grpc.ServiceDefinition; Client: new (target: string, creds: grpc.ChannelCredentials) => EchoClient } {
  const def = grpc.loadPackageDefinition(protoLoader.loadSync(ECHO_PROTO, { keepCase: true, defaults: true }));
  const Echo = (def.heddle as grpc.GrpcObject).test as grpc.GrpcObject;
  const ctor = Echo.Echo as grpc.ServiceClientConstructor;
  return { service: ctor.service, Client: ctor as unknown as new (target: string, creds: grpc.ChannelCredentials) => EchoClient };
}
