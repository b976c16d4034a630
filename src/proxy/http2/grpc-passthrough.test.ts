import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { startPassthrough, type Passthrough } from './fixture-passthrough.js';

// A service over raw bytes, so no .proto is needed: each method's messages are Buffers.
const raw = { requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b, responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b };
const service = {
  Unary: { path: '/heddle.test.Relay/Unary', requestStream: false, responseStream: false, ...raw },
  ServerStream: { path: '/heddle.test.Relay/ServerStream', requestStream: false, responseStream: true, ...raw },
  ClientStream: { path: '/heddle.test.Relay/ClientStream', requestStream: true, responseStream: false, ...raw },
  Bidi: { path: '/heddle.test.Relay/Bidi', requestStream: true, responseStream: true, ...raw },
} as grpc.ServiceDefinition;

type RelayClient = grpc.Client & {
  Unary(req: Buffer, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): grpc.ClientUnaryCall;
  ServerStream(req: Buffer, meta?: grpc.Metadata): grpc.ClientReadableStream<Buffer>;
  ClientStream(cb: (err: grpc.ServiceError | null, res?: Buffer) => void): grpc.ClientWritableStream<Buffer>;
  Bidi(): grpc.ClientDuplexStream<Buffer, Buffer>;
};
const RelayClientCtor = grpc.makeGenericClientConstructor(service as grpc.ServiceDefinition<grpc.UntypedServiceImplementation>, 'Relay') as unknown as new (
  target: string,
  creds: grpc.ChannelCredentials,
) => RelayClient;

let server: grpc.Server;
let proxy: Passthrough;
let client: RelayClient;
/** Resolved when the upstream sees a call to `slow` cancelled. */
let upstreamCancelled: Promise<void>;
let markCancelled: () => void;
/** Resolved when the upstream receives a call to `slow`. */
let slowArrived: Promise<void>;
let markArrived: () => void;

function resetCancelled(): void {
  upstreamCancelled = new Promise((resolve) => (markCancelled = resolve));
  slowArrived = new Promise((resolve) => (markArrived = resolve));
}

before(async () => {
  resetCancelled();
  server = new grpc.Server();
  server.addService(service, {
    Unary(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) {
      const text = call.request.toString();
      if (text === 'failfast') return cb({ code: grpc.status.NOT_FOUND, details: 'nothing here' });
      const header = new grpc.Metadata();
      header.set('x-echo', String(call.metadata.get('x-req')[0] ?? ''));
      call.sendMetadata(header);
      if (text === 'fail') {
        const trailer = new grpc.Metadata();
        trailer.set('x-why', 'because');
        return cb({ code: grpc.status.FAILED_PRECONDITION, details: 'told to fail', metadata: trailer });
      }
      if (text === 'slow') {
        call.on('cancelled', () => markCancelled());
        markArrived();
        return;
      }
      const trailer = new grpc.Metadata();
      trailer.set('x-trailer', 'done');
      cb(null, Buffer.from(`echo:${text}`), trailer);
    },
    ServerStream(call: grpc.ServerWritableStream<Buffer, Buffer>) {
      const n = Number(call.request.toString());
      for (let i = 0; i < n; i++) call.write(Buffer.from(`m${i}`));
      call.end();
    },
    ClientStream(call: grpc.ServerReadableStream<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) {
      const parts: string[] = [];
      call.on('data', (b: Buffer) => parts.push(b.toString()));
      call.on('end', () => cb(null, Buffer.from(parts.join('+'))));
    },
    Bidi(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
      call.on('data', (b: Buffer) => call.write(Buffer.from(`re:${b.toString()}`)));
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  proxy = await startPassthrough({ port, connectTimeoutMs: 2000 });
  client = new RelayClientCtor(`127.0.0.1:${proxy.port}`, grpc.credentials.createInsecure());
});

after(async () => {
  client.close();
  await proxy.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

function unary(text: string, meta = new grpc.Metadata(), opts: grpc.CallOptions = {}) {
  return new Promise<{ err: grpc.ServiceError | null; res?: Buffer; header?: grpc.Metadata; trailer?: grpc.Metadata }>((resolve) => {
    let header: grpc.Metadata | undefined;
    let trailer: grpc.Metadata | undefined;
    const call = client.Unary(Buffer.from(text), meta, opts, (err, res) => setImmediate(() => resolve({ err, res, header, trailer })));
    call.on('metadata', (m) => (header = m));
    call.on('status', (s) => (trailer = s.metadata));
  });
}

test('Should relay unary gRPC calls with metadata both ways and the trailers', async () => {
  const meta = new grpc.Metadata();
  meta.set('x-req', 'hello-meta');
  for (let i = 0; i < 3; i++) {
    const r = await unary(`ping${i}`, meta);
    assert.equal(r.err, null);
    assert.equal(r.res?.toString(), `echo:ping${i}`);
    assert.equal(r.header?.get('x-echo')[0], 'hello-meta');
    assert.equal(r.trailer?.get('x-trailer')[0], 'done');
  }
});

test('Should relay an error status with its message and trailer metadata', async () => {
  const r = await unary('fail');
  assert.equal(r.err?.code, grpc.status.FAILED_PRECONDITION);
  assert.equal(r.err?.details, 'told to fail');
  assert.equal(r.err?.metadata.get('x-why')[0], 'because');
});

test('Should relay a trailers-only error response', async () => {
  const r = await unary('failfast');
  assert.equal(r.err?.code, grpc.status.NOT_FOUND);
  assert.equal(r.err?.details, 'nothing here');
});

test('Should relay a server-streaming call message by message', async () => {
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = client.ServerStream(Buffer.from('25'));
    call.on('data', (b: Buffer) => got.push(b.toString()));
    call.on('error', reject);
    call.on('end', () => resolve());
  });
  assert.equal(got.length, 25);
  assert.equal(got[0], 'm0');
  assert.equal(got[24], 'm24');
});

test('Should relay a client-streaming call', async () => {
  const res = await new Promise<Buffer | undefined>((resolve, reject) => {
    const call = client.ClientStream((err, r) => (err ? reject(err) : resolve(r)));
    for (const part of ['a', 'b', 'c', 'd']) call.write(Buffer.from(part));
    call.end();
  });
  assert.equal(res?.toString(), 'a+b+c+d');
});

test('Should relay a bidirectional stream in both directions at once', async () => {
  const call = client.Bidi();
  const got: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    call.on('error', reject);
    call.on('end', () => resolve());
  });
  for (let i = 0; i < 5; i++) {
    const next = new Promise<void>((resolve) => call.once('data', (b: Buffer) => (got.push(b.toString()), resolve())));
    call.write(Buffer.from(String(i)));
    await next;
  }
  call.end();
  await done;
  assert.deepEqual(got, ['re:0', 're:1', 're:2', 're:3', 're:4']);
});

test('Should end a call past its deadline with DEADLINE_EXCEEDED, and the upstream sees it end', { timeout: 10_000 }, async () => {
  resetCancelled();
  const r = await unary('slow', new grpc.Metadata(), { deadline: Date.now() + 300 });
  await slowArrived;
  assert.equal(r.err?.code, grpc.status.DEADLINE_EXCEEDED);
  await upstreamCancelled;
});

test('Should pass a client cancellation through to the upstream', { timeout: 10_000 }, async () => {
  resetCancelled();
  const aborts = proxy.aborts;
  const err = await new Promise<grpc.ServiceError | null>((resolve) => {
    const call = client.Unary(Buffer.from('slow'), new grpc.Metadata(), {}, (e) => resolve(e));
    void slowArrived.then(() => call.cancel());
  });
  assert.equal(err?.code, grpc.status.CANCELLED);
  await upstreamCancelled;
  assert.ok(proxy.aborts > aborts);
  assert.equal(proxy.client.active, 0);
});
