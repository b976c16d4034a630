// Protocols and safety through two real sidecars: gRPC over HTTP/2 (reached by grpc-js through a
// CONNECT tunnel), WebSocket upgrades, raw TCP with its byte counters, and malformed HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { eventually } from '../support/mesh-config.js';
import { curl, meshServiceEntry, startMesh, type Mesh, type WorkloadSpec } from '../support/sidecar-mesh.js';

const CLIENT: WorkloadSpec = { name: 'productpage-v1', app: 'productpage', version: 'v1', ip: '127.0.0.40', port: 21000 };
// The workload ports are named for their protocol, as Istio's port-name convention has it.
const GRPC_APP: WorkloadSpec = { name: 'grpcecho-v1', app: 'grpcecho', version: 'v1', ip: '127.0.0.41', port: 21001, portName: 'grpc' };
// The same gRPC app, but only the ServiceEntry port says GRPC; its workload port is named `http`.
const GRPC_BY_SERVICE: WorkloadSpec = { name: 'grpcsvc-v1', app: 'grpcsvc', version: 'v1', ip: '127.0.0.44', port: 21004 };
const WS_APP: WorkloadSpec = { name: 'wsapp-v1', app: 'wsapp', version: 'v1', ip: '127.0.0.42', port: 21002 };
const TCP_APP: WorkloadSpec = { name: 'tcpecho-v1', app: 'tcpecho', version: 'v1', ip: '127.0.0.43', port: 21003, portName: 'tcp' };
const PROXY = `http://${CLIENT.ip}:15001`;
const GRPC_HOST = 'grpcecho.default.svc.cluster.local:9080';
const WS_HOST = 'wsapp.default.svc.cluster.local:9090';
const TCP_HOST = 'tcpecho.default.svc.cluster.local:9100';
const GRPC_BY_SERVICE_HOST = 'grpcsvc.default.svc.cluster.local:9080';

let mesh: Mesh;
let grpcServer: grpc.Server;
let grpcByService: grpc.Server;
/** Upgraded sockets on the WebSocket app; the HTTP server does not track them, so they are closed here. */
const upgraded = new Set<Socket>();
let tcpServer: TcpServer;

const raw = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
/** A small gRPC service with raw byte messages: a unary Call and a server-streaming Watch. */
const STREAM_SERVICE: grpc.ServiceDefinition = {
  Call: { path: '/heddle.test.Stream/Call', requestStream: false, responseStream: false, requestSerialize: raw.serialize, requestDeserialize: raw.deserialize, responseSerialize: raw.serialize, responseDeserialize: raw.deserialize },
  Watch: { path: '/heddle.test.Stream/Watch', requestStream: false, responseStream: true, requestSerialize: raw.serialize, requestDeserialize: raw.deserialize, responseSerialize: raw.serialize, responseDeserialize: raw.deserialize },
};
type StreamClient = grpc.Client & {
  Call(req: Buffer, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): grpc.ClientUnaryCall;
  Watch(req: Buffer, meta: grpc.Metadata, opts?: grpc.CallOptions): grpc.ClientReadableStream<Buffer>;
};
const StreamClientCtor = grpc.makeGenericClientConstructor(STREAM_SERVICE, 'Stream') as unknown as new (target: string, creds: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => StreamClient;

/** Unary: `fail:CODE` fails with that status, `sleep:MS` answers late, else echoes with metadata. */
function startGrpcApp(port: number): Promise<grpc.Server> {
  const server = new grpc.Server();
  server.addService(STREAM_SERVICE, {
    Call(call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) {
      const text = call.request.toString('utf8');
      const initial = new grpc.Metadata();
      initial.set('x-echo-initial', String(call.metadata.get('x-test')[0] ?? 'none'));
      call.sendMetadata(initial);
      const trailer = new grpc.Metadata();
      trailer.set('x-echo-trailer', 'bye');
      if (text.startsWith('fail:')) return cb({ code: Number(text.slice(5)), details: 'failing as told', metadata: trailer });
      if (text.startsWith('sleep:')) {
        const timer = setTimeout(() => cb(null, Buffer.from('late')), Number(text.slice(6)));
        call.on('cancelled', () => clearTimeout(timer));
        return;
      }
      cb(null, Buffer.from(`echo:${text}`), trailer);
    },
    Watch(call: grpc.ServerWritableStream<Buffer, Buffer>) {
      const n = Number(call.request.toString('utf8'));
      for (let i = 0; i < n; i++) call.write(Buffer.from(`item-${i}`));
      const trailer = new grpc.Metadata();
      trailer.set('x-count', String(n));
      call.end(trailer);
    },
  });
  return new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve(server))),
  );
}

/** Replaces a workload's default HTTP app with `listen()`, on the same port. */
async function replaceApp(w: WorkloadSpec, listen: () => Promise<void>): Promise<void> {
  const running = mesh.workloads.get(w.name)!;
  running.server.closeAllConnections();
  await new Promise((r) => running.server.close(r));
  await listen();
}

/** A grpc-js client that reaches `target` through the client sidecar's CONNECT proxy (http_proxy). */
function grpcClient(target: string): StreamClient {
  const saved = process.env.http_proxy;
  process.env.http_proxy = PROXY;
  try {
    return new StreamClientCtor(`dns:///${target}`, grpc.credentials.createInsecure());
  } finally {
    if (saved === undefined) delete process.env.http_proxy;
    else process.env.http_proxy = saved;
  }
}

function unary(client: StreamClient, text: string, meta = new grpc.Metadata(), deadlineMs = 10_000): Promise<{ err: grpc.ServiceError | null; res?: Buffer; initial?: grpc.Metadata }> {
  return new Promise((resolve) => {
    let initial: grpc.Metadata | undefined;
    const call = client.Call(Buffer.from(text), meta, { deadline: Date.now() + deadlineMs }, (err, res) => resolve({ err, ...(res ? { res } : {}), ...(initial ? { initial } : {}) }));
    call.on('metadata', (m: grpc.Metadata) => (initial = m));
  });
}

/** Opens a raw socket, writes `data`, and collects everything until `done(text)` or the socket ends (at most `ms`). */
function exchange(host: string, port: number, data: string | Buffer, done: (text: string) => boolean = () => false, ms = 15_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let text = '';
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (done(text)) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(data);
  });
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const headEnded = (text: string): boolean => text.includes('\r\n\r\n');

before(async () => {
  mesh = await startMesh({
    'services.yaml': [
      meshServiceEntry('productpage', 9080, [CLIENT]),
      meshServiceEntry('grpcecho', 9080, [GRPC_APP], 'GRPC'),
      meshServiceEntry('wsapp', 9090, [WS_APP]),
      meshServiceEntry('tcpecho', 9100, [TCP_APP], 'TCP'),
      meshServiceEntry('grpcsvc', 9080, [GRPC_BY_SERVICE], 'GRPC'),
    ].join('---\n'),
  }, [CLIENT, GRPC_APP, WS_APP, TCP_APP, GRPC_BY_SERVICE]);
  await replaceApp(GRPC_BY_SERVICE, async () => {
    grpcByService = await startGrpcApp(GRPC_BY_SERVICE.port);
  });
  await replaceApp(GRPC_APP, async () => {
    grpcServer = await startGrpcApp(GRPC_APP.port);
  });
  await replaceApp(TCP_APP, () => new Promise<void>((resolve, reject) => {
    tcpServer = createTcpServer((s) => s.pipe(s));
    tcpServer.once('error', reject);
    tcpServer.listen(TCP_APP.port, '127.0.0.1', () => resolve());
  }));
  const ws = mesh.workloads.get(WS_APP.name)!.server;
  ws.on('upgrade', (req, socket: Socket) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.write(wsFrame('hello from server', false));
    // Echoes each client frame's payload back, upper-cased, in a server (unmasked) frame.
    socket.on('data', (frame: Buffer) => {
      const payload = unmask(frame);
      if (payload) socket.write(wsFrame(payload.toString('utf8').toUpperCase(), false));
    });
    socket.on('error', () => socket.destroy());
  });
});

after(async () => {
  for (const s of upgraded) s.destroy();
  await mesh?.stop();
  grpcServer?.forceShutdown();
  grpcByService?.forceShutdown();
  await new Promise((r) => (tcpServer ? tcpServer.close(r) : r(undefined)));
});

/** A single small text frame (payload under 126 bytes), masked when the client sends it. */
function wsFrame(text: string, masked: boolean): Buffer {
  const payload = Buffer.from(text, 'utf8');
  if (!masked) return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
  const mask = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, body]);
}

/** The payload of one small frame, unmasked if it was masked. */
function unmask(frame: Buffer): Buffer | undefined {
  if (frame.length < 2) return undefined;
  const len = frame[1]! & 0x7f;
  const masked = (frame[1]! & 0x80) !== 0;
  const start = masked ? 6 : 2;
  if (frame.length < start + len) return undefined;
  const body = frame.subarray(start, start + len);
  if (!masked) return Buffer.from(body);
  const mask = frame.subarray(2, 6);
  return Buffer.from(body.map((b, i) => b ^ mask[i % 4]!));
}

test('Should carry unary gRPC calls with metadata, status codes and deadlines through two sidecars', async () => {
  const client = grpcClient(GRPC_HOST);
  try {
    const meta = new grpc.Metadata();
    meta.set('x-test', 'abc');
    const ok = await unary(client, 'ping', meta);
    assert.equal(ok.err, null, `unary call failed: ${ok.err?.message}`);
    assert.equal(ok.res?.toString('utf8'), 'echo:ping');
    assert.equal(ok.initial?.get('x-echo-initial')[0], 'abc', 'request metadata reaches the server and its initial metadata comes back');

    const failed = await unary(client, 'fail:5');
    assert.equal(failed.err?.code, grpc.status.NOT_FOUND);
    assert.equal(failed.err?.details, 'failing as told');
    assert.equal(failed.err?.metadata.get('x-echo-trailer')[0], 'bye', 'trailers come back on an error status');

    const started = Date.now();
    const late = await unary(client, 'sleep:5000', new grpc.Metadata(), 300);
    assert.equal(late.err?.code, grpc.status.DEADLINE_EXCEEDED);
    assert.ok(Date.now() - started < 4000, 'the deadline ends the call, not the server');

    const again = await unary(client, 'after-deadline');
    assert.equal(again.res?.toString('utf8'), 'echo:after-deadline', 'the connection still works after a cancelled call');
  } finally {
    client.close();
  }
});

test('Should route HTTP/2 with prior knowledge on the outbound port by its :authority', async () => {
  // A gRPC client pointed straight at the sidecar's outbound port speaks h2c there, with the
  // service named in :authority, as it would after an iptables redirect.
  const client = new StreamClientCtor(`${CLIENT.ip}:15001`, grpc.credentials.createInsecure(), { 'grpc.default_authority': GRPC_HOST });
  try {
    const ok = await unary(client, 'direct-h2c');
    assert.equal(ok.err, null, `unary call failed: ${ok.err?.message}`);
    assert.equal(ok.res?.toString('utf8'), 'echo:direct-h2c');
  } finally {
    client.close();
  }
});

test('Should treat a workload port as gRPC when its ServiceEntry port says GRPC', async () => {
  // Istio takes an inbound port's protocol from the Service port that targets it, whatever the
  // container port is called; a GRPC ServiceEntry port must give an HTTP/2 inbound cluster.
  const client = grpcClient(GRPC_BY_SERVICE_HOST);
  try {
    const ok = await unary(client, 'by-service');
    assert.equal(ok.err, null, `unary call failed: ${ok.err?.message}`);
    assert.equal(ok.res?.toString('utf8'), 'echo:by-service');
  } finally {
    client.close();
  }
});

test('Should stream a gRPC server-streaming response through two sidecars', async () => {
  const client = grpcClient(GRPC_HOST);
  try {
    const items: string[] = [];
    let trailers: grpc.Metadata | undefined;
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      const call = client.Watch(Buffer.from('25'), new grpc.Metadata(), { deadline: Date.now() + 10_000 });
      call.on('data', (b: Buffer) => items.push(b.toString('utf8')));
      call.on('status', (s: grpc.StatusObject) => {
        trailers = s.metadata;
        resolve(s);
      });
      call.on('error', () => undefined);
    });
    assert.equal(status.code, grpc.status.OK, status.details);
    assert.equal(items.length, 25);
    assert.equal(items[24], 'item-24');
    assert.equal(trailers?.get('x-count')[0], '25');
  } finally {
    client.close();
  }
});

test('Should upgrade a WebSocket through two sidecars and carry frames both ways', async () => {
  const key = Buffer.from('heddle-websocket').toString('base64');
  const socket = connect({ host: CLIENT.ip, port: 15001 });
  try {
    let text = Buffer.alloc(0);
    const waitFor = (pred: (b: Buffer) => boolean, what: string): Promise<void> => eventually(async () => pred(text), 10_000, what).then(() => undefined);
    socket.on('data', (c: Buffer) => (text = Buffer.concat([text, c])));
    socket.on('error', () => undefined);
    socket.write(`GET http://${WS_HOST}/chat HTTP/1.1\r\nHost: ${WS_HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await waitFor((b) => b.includes('\r\n\r\n'), 'the upgrade response head');
    const head = text.subarray(0, text.indexOf('\r\n\r\n')).toString('latin1');
    assert.equal(statusOf(head), 101, head);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    assert.match(head, new RegExp(`sec-websocket-accept: ${accept.replace(/[+/]/g, '\\$&')}`, 'i'));
    await waitFor((b) => b.includes('hello from server'), 'the server frame');
    socket.write(wsFrame('hello from client', true));
    await waitFor((b) => b.includes('HELLO FROM CLIENT'), 'the echoed client frame');
  } finally {
    socket.destroy();
  }
});

test('Should tunnel TCP through two sidecars and count the bytes on both', async () => {
  const payload = 'x'.repeat(1000);
  const r = await exchange(CLIENT.ip, 15001, `CONNECT ${TCP_HOST} HTTP/1.1\r\nHost: ${TCP_HOST}\r\n\r\n${payload}`, (t) => t.endsWith(payload));
  assert.equal(statusOf(r.text), 200, r.text.slice(0, 200));
  assert.ok(r.text.endsWith(payload), 'the echo server\'s bytes come back through the tunnel');

  const counted = async (w: WorkloadSpec, reporter: string, service?: string): Promise<{ sent: number; received: number }> => {
    const text = await (await fetch(`http://127.0.0.1:${mesh.workloads.get(w.name)!.statsPort}/stats/prometheus`)).text();
    const sum = (name: string): number => text.split('\n')
      .filter((l) => l.startsWith(`${name}{`) && l.includes(`reporter="${reporter}"`) && (service === undefined || l.includes(`destination_service="${service}"`)))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    return { sent: sum('istio_tcp_sent_bytes_total'), received: sum('istio_tcp_received_bytes_total') };
  };
  const enough = (c: { sent: number; received: number }) => (c.sent >= 1000 && c.received >= 1000 ? c : undefined);
  const service = 'tcpecho.default.svc.cluster.local';
  await eventually(async () => enough(await counted(CLIENT, 'source', service)), 10_000, 'tcp byte counters with reporter="source" on the client sidecar');
  await eventually(async () => enough(await counted(TCP_APP, 'destination')), 10_000, 'tcp byte counters with reporter="destination" on the server sidecar');
  const inbound = await counted(TCP_APP, 'destination', service);
  assert.ok(enough(inbound), `the server sidecar labels inbound TCP with destination_service="${service}": ${JSON.stringify(inbound)}`);
});

test('Should answer malformed and smuggling requests with 400 and oversize heads with 431, and stay up', async () => {
  const targets = [
    { what: 'inbound', host: WS_APP.ip, port: WS_APP.port, path: '/' },
    { what: 'outbound', host: CLIENT.ip, port: 15001, path: `http://${WS_HOST}/` },
  ];
  for (const t of targets) {
    const garbage = await exchange(t.host, t.port, 'THIS IS NOT HTTP\r\n\r\n', headEnded);
    assert.equal(statusOf(garbage.text), 400, `${t.what} malformed: ${garbage.text}`);

    const smuggle = await exchange(t.host, t.port, `POST ${t.path} HTTP/1.1\r\nHost: ${WS_HOST}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, headEnded);
    assert.equal(statusOf(smuggle.text), 400, `${t.what} CL+TE: ${smuggle.text}`);

    const twoLengths = await exchange(t.host, t.port, `POST ${t.path} HTTP/1.1\r\nHost: ${WS_HOST}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`, headEnded);
    assert.equal(statusOf(twoLengths.text), 400, `${t.what} conflicting Content-Length: ${twoLengths.text}`);

    const big = await exchange(t.host, t.port, `GET ${t.path} HTTP/1.1\r\nHost: ${WS_HOST}\r\nx-big: ${'a'.repeat(100 * 1024)}\r\n\r\n`, headEnded);
    assert.equal(statusOf(big.text), 431, `${t.what} oversize head: ${big.text.slice(0, 200)}`);
  }
  const still = await curl(PROXY, `http://${WS_HOST}/after-bad-input`);
  assert.equal(still.status, 200, 'the sidecars still serve after bad input');
  assert.equal(JSON.parse(still.body).path, '/after-bad-input');
});

test('Should time out a client that never finishes its request head with 408', async () => {
  const started = Date.now();
  const [inbound, outbound] = await Promise.all([
    exchange(WS_APP.ip, WS_APP.port, `GET / HTTP/1.1\r\nHost: ${WS_HOST}\r\nx-slow: 1\r\n`, headEnded, 30_000),
    exchange(CLIENT.ip, 15001, `GET http://${WS_HOST}/ HTTP/1.1\r\nHost: ${WS_HOST}\r\nx-slow: 1\r\n`, headEnded, 30_000),
  ]);
  assert.equal(statusOf(inbound.text), 408, `inbound: ${inbound.text}`);
  assert.equal(statusOf(outbound.text), 408, `outbound: ${outbound.text}`);
  assert.ok(Date.now() - started < 29_000);
});
