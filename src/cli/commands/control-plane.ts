// `heddle control-plane --config DIR [--mesh-config FILE]`: runs the control plane until interrupted.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { startControlPlane } from '../../control-plane/control-plane.js';
import { readMeshConfigFile } from '../../control-plane/mesh-config-file.js';
import { logger } from '../../log/index.js';
import { DEFAULT_MESH_CONFIG } from '../../pilot/model/mesh-config.js';
import { JWKS_FETCH_MODE_ENV, parseJwksFetchMode } from '../../pilot/security/authz/jwks-fetch-mode.js';
import { collect, parsePort } from '../options.js';
import { defaultCaDir, parseDurationFlag } from './ca.js';

interface ControlPlaneOptions {
  config: string[];
  monitoringPort: number;
  xdsPort: number;
  bind: string;
  debounce: number;
  pushDebounce: number;
  caDir: string;
  pluginCaDir?: string;
  trustDomain?: string;
  meshConfig?: string;
  certTtl: number;
  maxCertTtl: number;
  securePort: number;
  trustRoot: string[];
  jwksFetchMode?: string;
  appliedFile?: string;
}

/** `host:port`, with brackets around an IPv6 host. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseMs(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number of milliseconds, got "${value}"`);
    return n;
  };
}

/** Adds `heddle control-plane`; its ready line carries `xds` (host:port) and `monitoring` (URL) for scripts. */
export function registerControlPlane(program: Command): void {
  program
    .command('control-plane')
    .description('run the control plane (Galley, Pilot\'s xDS server and Citadel\'s CA) on a config directory, applying changes live')
    .requiredOption('-c, --config <path>', 'config file or directory of Istio YAML (repeatable)', collect, [])
    .option('--xds-port <port>', 'xDS (ADS over gRPC, plaintext) port; 0 picks a free one', parsePort('--xds-port'), 15010)
    .option('--monitoring-port <port>', 'monitoring and debug port (/metrics, /debug/syncz, /debug/configz)', parsePort('--monitoring-port'), 15014)
    .option('--bind <address>', 'address the control plane listens on', '127.0.0.1')
    .option('--debounce <ms>', 'debounce for config file changes, in ms', parseMs('--debounce'), 100)
    .option('--push-debounce <ms>', 'quiet time before pushing a change to proxies, in ms (pushes wait at most 10 s)', parseMs('--push-debounce'), 100)
    .option('--secure-port <port>', 'xDS and CA over TLS (the CA signs the serving certificate); 0 picks a free one', parsePort('--secure-port'), 15012)
    .option('--ca-dir <dir>', 'CA directory: the self-signed root (created on first start), token-key.pem, optional trust-bundle.pem', defaultCaDir())
    .option('--plugin-ca-dir <dir>', 'sign with your own CA in Istio\'s cacerts layout (ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem)')
    .option('--trust-domain <domain>', 'trust domain of workload SPIFFE IDs (default: the mesh config\'s, else cluster.local)')
    .option('--mesh-config <file>', 'Istio MeshConfig YAML: rootNamespace, trustDomain, enableAutoMtls, connectTimeout, outboundTrafficPolicy, extensionProviders (envoyExtAuthzHttp)')
    .option('--cert-ttl <duration>', 'workload certificate lifetime when the CSR asks for none', parseDurationFlag('--cert-ttl'), 24 * 3600)
    .option('--max-cert-ttl <duration>', 'longest workload certificate lifetime; longer requests are shortened', parseDurationFlag('--max-cert-ttl'), 90 * 24 * 3600)
    .option('--trust-root <file>', 'extra root certificate(s) to trust, PEM (repeatable), e.g. while rotating roots', collect, [])
    .option('--jwks-fetch-mode <mode>', `who fetches RequestAuthentication jwksUri keys: istiod (or false; the control plane inlines them), envoy (or true; the proxy fetches through its cluster), hybrid (the proxy for in-mesh hosts); default: $${JWKS_FETCH_MODE_ENV}, else istiod`)
    .option('--applied-file <file>', 'keep config applied with `heddle apply` in this YAML file, so that it is served again after a restart (default: in memory only)')
    .action(async (opts: ControlPlaneOptions) => {
      if (opts.config.length === 0) throw new Error('control-plane needs --config: a file or directory of Istio YAML');
      const jwksMode = parseJwksFetchMode(opts.jwksFetchMode ?? process.env[JWKS_FETCH_MODE_ENV]);
      if (!jwksMode.ok) throw new Error(`${opts.jwksFetchMode !== undefined ? '--jwks-fetch-mode' : JWKS_FETCH_MODE_ENV}: ${jwksMode.error}`);
      const log = logger('control-plane');
      const fromFile = opts.meshConfig ? readMeshConfigFile(opts.meshConfig) : undefined;
      // Citadel signs for the trust domain Pilot's policies name, so both take the same one.
      const trustDomain = opts.trustDomain ?? fromFile?.trustDomain ?? 'cluster.local';
      const meshConfig = { ...(fromFile ?? DEFAULT_MESH_CONFIG), trustDomain };
      const cp = await startControlPlane(
        {
          configPaths: opts.config,
          monitoringHost: opts.bind,
          monitoringPort: opts.monitoringPort,
          debounceMs: opts.debounce,
          xdsPort: opts.xdsPort,
          pushDebounceMs: opts.pushDebounce,
          meshConfig,
          jwksFetchMode: jwksMode.mode,
          ...(opts.appliedFile ? { appliedFile: opts.appliedFile } : {}),
          citadel: {
            caDir: opts.caDir,
            trustDomain,
            defaultTtlSeconds: opts.certTtl,
            maxTtlSeconds: opts.maxCertTtl,
            securePort: opts.securePort,
            extraRootsPem: opts.trustRoot.map((file) => readFileSync(file, 'utf8')),
            ...(opts.pluginCaDir ? { pluginCaDir: opts.pluginCaDir } : {}),
          },
        },
      );
      const snap = cp.galley.snapshot();
      const xds = hostPort(opts.bind, cp.pilot.port);
      const monitoring = `http://${hostPort(opts.bind, cp.monitoring.port)}`;
      const secureXds = hostPort(opts.bind, cp.pilot.securePort ?? opts.securePort);
      log.info(
        { version: snap.version, resources: snap.all().length, xds, secureXds, monitoring, rootFingerprint: cp.citadel?.ca.rootFingerprint },
        `control plane ready: ${snap.all().length} resources from ${opts.config.join(', ')}; xds: ${xds} (TLS: ${secureXds}); monitoring on ${monitoring}`,
      );
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          log.info(`${signal}: stopping`);
          void cp.stop().then(resolve);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });
}
