// Test support for the ADS server: a fake world of resources behind fake generators and push
// contexts, a real grpc-js client on loopback, manual timers and captured logs. Tests only.
import { pino, type Logger } from 'pino';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, messageNameOf, packAny } from '../../xds/index.js';
import type { Generator, XdsResource } from '../generators/generator.js';
import type { PushContext } from '../model/push-context.js';
import type { Timers } from './timers.js';

/** A push context that is only a version and a copy of the fake world (endpoints shared live). */
export interface FakePushContext extends PushContext {
  readonly world: ReadonlyMap<string, ReadonlyMap<string, XdsResource>>;
}

/** Builds a real, packed resource of `typeUrl` named `name`; `variant` changes its bytes. */
export function fakeResource(typeUrl: string, name: string, variant = 0): XdsResource {
  const messages: Record<string, Record<string, unknown>> = {
    [CLUSTER_TYPE]: { name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } }, connect_timeout: { seconds: 1 + variant } },
    [ENDPOINT_TYPE]: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 8000 + variant } } } }] }],
    },
    [LISTENER_TYPE]: { name, address: { socket_address: { address: '0.0.0.0', port_value: 9000 + variant } } },
    [ROUTE_TYPE]: { name, virtual_hosts: [{ name: `vh${variant}`, domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'c' } }] }] },
  };
  const message = messages[typeUrl];
  if (!message) throw new Error(`no fake for ${typeUrl}`);
  return { name, resource: packAny(messageNameOf(typeUrl), message), message };
}

/** A fake generator: the world's resources of its type, in name order. */
export function fakeGenerator(typeUrl: string, calls?: string[]): Generator {
  return {
    typeUrl: typeUrl as Generator['typeUrl'],
    generate(proxy, push, names) {
      calls?.push(`${proxy.id} ${typeUrl} ${names ? names.join(',') : '*'}`);
      const all = [...((push as FakePushContext).world.get(typeUrl)?.values() ?? [])];
      return all.sort((a, b) => (a.name < b.name ? -1 : 1));
    },
  };
}

/** Fake generators for CDS, EDS, LDS and RDS under the bare type URL. */
export function fakeGenerators(calls?: string[]): Map<string, Generator> {
  return new Map([CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE].map((t) => [t, fakeGenerator(t, calls)]));
}

/** Timers that move only when the test says so. `defer` runs at once. */
export interface ManualTimers extends Timers {
  advance(ms: number): void;
}

/** Creates manual timers starting at 0. */
export function createManualTimers(): ManualTimers {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      pending.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
    defer: (fn) => fn(),
    advance(ms) {
      const until = now + ms;
      for (let guard = 0; guard < 10_000; guard++) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
  };
}

/** A logger that keeps every line, for assertions. */
export function captureLogs(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}
