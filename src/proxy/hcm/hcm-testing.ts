// For the connection manager's tests: a loopback server whose every connection goes to one
// connection handler, as the listener would hand it a plaintext inbound connection on port 8080.
import net from 'node:net';
import type { ConnectionContext, ConnectionHandler } from '../listener/connection-handler.js';

/** Listens on 127.0.0.1 (port 0) and hands each connection to `handler`; close the server when done. */
export async function serveInbound(handler: ConnectionHandler): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const context: ConnectionContext = {
      connection: { remoteAddress: socket.remoteAddress!, remotePort: socket.remotePort!, localAddress: socket.localAddress!, localPort: socket.localPort!, destinationAddress: '127.0.0.1', destinationPort: 8080, tls: false },
      listenerName: 'virtualInbound', filterChainName: 'c', trafficDirection: 'INBOUND', originalDestination: undefined,
      serverName: undefined, transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1'],
    };
    handler.handle(socket, context);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
