// Real grpc-js Echo servers on loopback, for proxyless gRPC e2e tests.
import * as grpc from '@grpc/grpc-js';
import { loadEcho, type EchoReply, type EchoRequest } from './echo-service.js';

/** How a server behaves; tests change it while it runs. */
export interface EchoBehaviour {
  /** Fail every call with this status code (0 = answer normally). */
  failWithCode: number;
  /** Wait before answering, in ms. */
  delayMs: number;
}

export interface EchoServer {
  readonly id: string;
  readonly port: number;
  readonly behaviour: EchoBehaviour;
  /** Calls received so far. */
  calls: number;
  stop(): Promise<void>;
}

/** Starts an Echo server answering with `id` on 127.0.0.1 and a free port. */
export async function startEchoServer(id: string): Promise<EchoServer> {
  const { service } = loadEcho();
  const server = new grpc.Server();
  const state: EchoServer = {
    id,
    port: 0,
    behaviour: { failWithCode: 0, delayMs: 0 },
    calls: 0,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
  server.addService(service, {
    Call(call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) {
      state.calls++;
      const fail = call.request.fail_with_code || state.behaviour.failWithCode;
      const delay = Math.max(call.request.delay_ms ?? 0, state.behaviour.delayMs);
      const answer = () => {
        if (fail) callback({ code: fail, details: `${id} fails as told` });
        else callback(null, { server_id: id });
      };
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return Object.assign(state, { port });
}
