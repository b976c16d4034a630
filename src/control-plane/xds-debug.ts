// The ADS server's debug views on the monitoring server: /debug/syncz, /debug/config_dump and
// /debug/connections, as istiod serves them for istioctl.
import { configDump, syncz, type AdsServer } from '../pilot/server/index.js';
import { DebugHttpError, type DebugHandler } from './monitoring.js';

/** The debug handlers over `server`. */
export function xdsDebugHandlers(server: Pick<AdsServer, 'connections'>): Record<string, DebugHandler> {
  return {
    '/debug/syncz': () => syncz(server.connections()),
    '/debug/config_dump': (query) => {
      const proxyId = query.get('proxyID');
      if (!proxyId) throw new DebugHttpError(400, 'config_dump needs ?proxyID=<proxy id>; /debug/syncz lists them');
      const result = configDump(server.connections(), proxyId);
      if (!result.ok) throw new DebugHttpError(404, result.message);
      return result.dump;
    },
    '/debug/connections': () => ({
      connections: server.connections().map((c) => ({
        id: c.id,
        proxy: c.proxy.id,
        proxyType: c.proxy.type,
        generator: c.proxy.generator,
        protocol: c.protocol,
        peer: c.peer,
        connectedAt: c.connectedAt.toISOString(),
        watched: c.watchedInOrder().map((w) => w.typeUrl),
      })),
    }),
  };
}
