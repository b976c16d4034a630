// `heddle sidecar` and `heddle gateway`: one proxy for one workload (or the mesh's edge), configured
// over xDS by the control plane, with its identity given by flags.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AGENT_DEFAULTS, createAgent, type Agent } from '../../agent/agent.js';
import { createTokenFileSource } from '../../agent/token-file.js';
import { prepareCaptureProcess } from '../../interception/capture-process.js';
import { createOriginalDestinationReader } from '../../interception/original-destination.js';
import { logger, type Logger } from '../../log/index.js';
import { createSidecar } from '../../proxy/sidecar/sidecar.js';
import { createSidecarWorkers, runSidecarWorker } from '../../proxy/sidecar/sidecar-workers.js';
import { SIDECAR_DEFAULTS, terminationDrain, type AppPort, type SidecarOptions } from '../../proxy/sidecar/sidecar-options.js';
import { createGrpcCaClient } from '../../security/ca-grpc-client.js';
import { collect, parsePort } from '../options.js';
import { optionalPort, parseAppMetricsFlag, parseCertTtlFlag, parseLabelFlags } from './workload-flags.js';

interface ProxyFlags {
  xdsAddress: string;
  name: string;
  namespace: string;
  serviceAccount: string;
  label: string[];
  ip: string;
  appPort: string[];
  mode: 'explicit' | 'capture';
  outboundPort: number;
  inboundPort: number;
  adminPort: number;
  statsPort: number;
  /** A port, or false with --no-agent-port. */
  agentPort: number | false;
  /** A port, or false with --no-health-port. */
  healthPort: number | false;
  appMetrics?: { port: number; path: string };
  delta: boolean;
  accessLog: boolean;
  trustDomain: string;
  clusterId: string;
  drainTimeout: number;
  concurrency: number;
  caAddress?: string;
  tokenFile?: string;
  certTtl: number;
  caRootCert?: string;
  proxyUid: number;
  proxyGid: number;
}

/** `http:9080` or `9080` (named after its port) or `grpc:7070:GRPC`. */
function parseAppPorts(values: readonly string[]): AppPort[] {
  return values.flatMap((value) =>
    value.split(',').filter((p) => p !== '').map((spec) => {
      const parts = spec.split(':');
      const portText = parts.length === 1 ? parts[0]! : parts[1]!;
      const port = Number(portText);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--app-port must be [name:]port[:protocol], got "${spec}"`);
      const name = parts.length === 1 ? `port-${port}` : parts[0]!;
      return parts[2] ? { name, port, protocol: parts[2] } : { name, port };
    }),
  );
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--concurrency must be a whole number from 1 to 64, got "${value}"`);
  return n;
}

function parseId(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a numeric id, got "${value}"`);
    return n;
  };
}

/** How long a starting sidecar waits for the CA's first answer before serving without a certificate. */
const FIRST_CERTIFICATE_WAIT_MS = 10_000;

/** Resolves when `promise` settles or after `ms`, calling `onTimeout` in the second case. */
function waitAtMost(promise: Promise<void>, ms: number, onTimeout: () => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, ms);
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The agent: with a token file, a CA client (TLS when --ca-root-cert is given) and the workload's
 * identity; without one, only file secrets (a gateway's credentials) and a warning.
 */
function createAgentFromFlags(flags: ProxyFlags, log: Logger): Agent {
  const identity = { trustDomain: flags.trustDomain, namespace: flags.namespace, serviceAccount: flags.serviceAccount };
  const agentLog = log.child({ component: 'agent' });
  if (!flags.tokenFile) return createAgent({ identity, log: agentLog });
  const address = flags.caAddress ?? flags.xdsAddress;
  const rootCertPem = flags.caRootCert ? readFileSync(flags.caRootCert, 'utf8') : undefined;
  const ca = createGrpcCaClient({ address, token: createTokenFileSource(flags.tokenFile), ...(rootCertPem ? { tls: { rootCertPem } } : {}) });
  agentLog.info({ ca: address, tls: rootCertPem !== undefined, certTtlMs: flags.certTtl }, 'requesting the workload certificate');
  return createAgent({ identity, ca, certTtlMs: flags.certTtl, log: agentLog });
}

function register(program: Command, command: 'sidecar' | 'gateway'): void {
  const gateway = command === 'gateway';
  program
    .command(command)
    .description(gateway
      ? 'run an ingress or egress gateway proxy, configured over xDS by the control plane'
      : 'run the sidecar proxy for one workload, configured over xDS by the control plane')
    .option('--xds-address <host:port>', 'the control plane\'s xDS address', '127.0.0.1:15010')
    .requiredOption('--name <name>', 'workload name (a Deployment\'s name, say)')
    .option('--namespace <ns>', 'workload namespace', 'default')
    .option('--service-account <sa>', 'workload service account', 'default')
    .option('--label <key=value>', 'workload label (repeatable, or comma-separated)', collect, [])
    .option('--ip <address>', 'the workload\'s instance IP; in explicit mode the proxy binds it', '127.0.0.1')
    .option('--app-port <[name:]port[:protocol]>', 'an application port (repeatable)', collect, [])
    .option('--mode <mode>', 'explicit (HTTP proxy on the outbound port, no iptables) or capture (iptables redirect)', 'explicit')
    .option('--outbound-port <port>', 'outbound capture / HTTP proxy port', parsePort('--outbound-port'), SIDECAR_DEFAULTS.outboundPort)
    .option('--inbound-port <port>', 'inbound capture port', parsePort('--inbound-port'), SIDECAR_DEFAULTS.inboundPort)
    .option('--admin-port <port>', 'admin port (loopback only); 0 picks a free one', parsePort('--admin-port'), SIDECAR_DEFAULTS.adminPort)
    .option('--stats-port <port>', 'Prometheus port; 0 picks a free one', parsePort('--stats-port'), SIDECAR_DEFAULTS.statsPort)
    .option('--agent-port <port>', 'agent port: merged metrics, /healthz/ready, /quitquitquit, /drain; 0 picks a free one', parsePort('--agent-port'), SIDECAR_DEFAULTS.agentPort)
    .option('--no-agent-port', 'do not serve the agent port')
    .option('--health-port <port>', 'health port (/healthz/ready); 0 picks a free one', parsePort('--health-port'), SIDECAR_DEFAULTS.healthPort)
    .option('--no-health-port', 'do not serve the health port')
    .option('--app-metrics <port[/path]>', 'merge the app\'s Prometheus metrics, read from 127.0.0.1:PORT/PATH (default path /metrics), into the agent port\'s', parseAppMetricsFlag)
    .option('--delta', 'use Delta xDS instead of State of the World', false)
    .option('--access-log', 'write JSON access logs to stdout', false)
    .option('--trust-domain <domain>', 'SPIFFE trust domain', 'cluster.local')
    .option('--cluster-id <id>', 'cluster id for telemetry', 'Kubernetes')
    .option('--drain-timeout <ms>', 'how long in-flight work may take on SIGTERM', (v) => Number(v), SIDECAR_DEFAULTS.drainTimeoutMs)
    .option('--proxy-uid <uid>', 'capture mode: the uid to run as after start when started as root (the capture rules exclude it)', parseId('--proxy-uid'), 1337)
    .option('--proxy-gid <gid>', 'capture mode: the gid to run as after start when started as root', parseId('--proxy-gid'), 1337)
    .option('--concurrency <n>', 'worker processes sharing the listeners (the xDS stream, admin and stats stay in one)', parseConcurrency, 1)
    .option('--ca-address <host:port>', 'the CA\'s address (default: the --xds-address)')
    .addOption(new Option('--token-file <path>', 'bootstrap token for the CA, re-read for every certificate; without it the workload has no identity').env('HEDDLE_TOKEN_FILE'))
    .addOption(new Option('--cert-ttl <duration>', 'workload certificate lifetime to ask for; renewed at about half of it').argParser(parseCertTtlFlag).default(AGENT_DEFAULTS.certTtlMs, '24h'))
    .option('--ca-root-cert <pem file>', 'talk TLS to the CA (15012), trusting this root')
    .action(async (flags: ProxyFlags) => {
      if (flags.mode !== 'explicit' && flags.mode !== 'capture') throw new Error(`--mode must be explicit or capture, got "${flags.mode}"`);
      const log = logger(command);
      const capture = flags.mode === 'capture';
      // Before any socket opens: a proxy still running as root would capture its own connections.
      if (capture) await prepareCaptureProcess({ instanceIp: flags.ip, uid: flags.proxyUid, gid: flags.proxyGid }, log);
      // With --concurrency only the primary runs the agent; workers get their secrets from it.
      const agent = cluster.isWorker ? undefined : createAgentFromFlags(flags, log);
      const options: SidecarOptions = {
        identity: {
          name: flags.name,
          namespace: flags.namespace,
          serviceAccount: flags.serviceAccount,
          labels: parseLabelFlags(flags.label),
          trustDomain: flags.trustDomain,
          cluster: flags.clusterId,
          ip: flags.ip,
        },
        proxyType: gateway ? 'router' : 'sidecar',
        xdsAddress: flags.xdsAddress,
        appPorts: parseAppPorts(flags.appPort),
        mode: flags.mode,
        ...(capture ? { originalDestination: createOriginalDestinationReader() } : {}),
        outboundPort: flags.outboundPort,
        inboundPort: flags.inboundPort,
        adminPort: flags.adminPort,
        statsPort: flags.statsPort,
        ...optionalPort('agentPort', flags.agentPort),
        ...optionalPort('healthPort', flags.healthPort),
        ...(flags.appMetrics ? { appMetrics: flags.appMetrics } : {}),
        deltaXds: flags.delta,
        accessLog: flags.accessLog,
        drainTimeoutMs: flags.drainTimeout,
        ...(agent ? { secrets: agent.secrets } : {}),
      };
      agent?.start();
      // Envoy keeps listeners that need the workload certificate warming until it arrives. Waiting
      // (bounded) for the CA's first answer does the same here: otherwise the sidecar would report
      // ready and close mTLS connections until the certificate came.
      if (agent) await waitAtMost(agent.firstAttempt(), FIRST_CERTIFICATE_WAIT_MS, () => log.warn({ waitedMs: FIRST_CERTIFICATE_WAIT_MS }, 'no answer from the CA yet; starting without the workload certificate'));
      if (flags.concurrency > 1) {
        if (cluster.isWorker) {
          runSidecarWorker(options, log);
          return;
        }
        const workers = createSidecarWorkers(options, log, flags.concurrency);
        const ports = await workers.start().catch(async (err: unknown) => {
          await workers.stop().catch(() => undefined);
          agent?.close();
          throw err;
        });
        log.info({ admin: ports.admin, stats: ports.stats, agent: ports.agent, health: ports.health, xds: flags.xdsAddress, concurrency: flags.concurrency }, `${command} started with ${flags.concurrency} workers; waiting for config from ${flags.xdsAddress}`);
        await new Promise<void>((resolve) => {
          const shutdown = (signal: string) => {
            log.info(`${signal}: draining`);
            void workers.stop().then(() => agent?.close()).then(resolve);
          };
          process.once('SIGINT', shutdown);
          process.once('SIGTERM', shutdown);
        });
        return;
      }
      const proxy = createSidecar(options, log);
      // A port already taken fails the start; close what did bind, so the process ends.
      const ports = await proxy.start().catch(async (err: unknown) => {
        await proxy.close().catch(() => undefined);
        agent?.close();
        throw err;
      });
      log.info({ admin: ports.admin, stats: ports.stats, agent: ports.agent, health: ports.health, xds: flags.xdsAddress }, `${command} started; waiting for config from ${flags.xdsAddress}`);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          log.info(`${signal}: draining`);
          void proxy.drain(terminationDrain(options)).then(() => proxy.close()).then(() => agent?.close()).then(resolve);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });
}

export function registerSidecar(program: Command): void {
  register(program, 'sidecar');
  register(program, 'gateway');
}
