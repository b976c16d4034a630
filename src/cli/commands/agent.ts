// `heddle agent`: the agent beside a proxyless gRPC app (istio-agent's proxyless mode): the
// workload certificate as files, renewed, and the gRPC xDS bootstrap the app reads.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AGENT_DEFAULTS } from '../../agent/agent.js';
import { createProxylessAgent } from '../../agent/proxyless-agent.js';
import { createTokenFileSource } from '../../agent/token-file.js';
import { logger } from '../../log/index.js';
import { createGrpcCaClient } from '../../security/ca-grpc-client.js';
import { collect } from '../options.js';
import { parseCertTtlFlag, parseHostPort, parseIpFlag, parseLabelFlags } from './workload-flags.js';

interface AgentFlags {
  xdsAddress: string;
  outputDir: string;
  name: string;
  namespace: string;
  serviceAccount: string;
  label: string[];
  ip: string;
  tokenFile?: string;
  caAddress?: string;
  certTtl: number;
  caRootCert?: string;
  trustDomain: string;
}

/** Resolves with the name of the first SIGINT or SIGTERM. */
function nextStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Adds `heddle agent`. */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run the agent for a proxyless gRPC app: write its workload certificate files (renewed at about half their life) and its gRPC xDS bootstrap (for GRPC_XDS_BOOTSTRAP)')
    .requiredOption('--xds-address <host:port>', 'the control plane\'s xDS address, written into the bootstrap', parseHostPort('--xds-address'))
    .requiredOption('--output-dir <dir>', 'where cert-chain.pem, key.pem, root-cert.pem and grpc-bootstrap.json go (created if missing)')
    .requiredOption('--name <name>', 'workload name (a Deployment\'s name, say)')
    .option('--namespace <ns>', 'workload namespace', 'default')
    .option('--service-account <sa>', 'workload service account', 'default')
    .option('--label <key=value>', 'workload label (repeatable, or comma-separated)', collect, [])
    .option('--ip <address>', 'the workload\'s instance IP', parseIpFlag, '127.0.0.1')
    .addOption(new Option('--token-file <path>', 'bootstrap token for the CA, re-read for every certificate; without it the bootstrap is plaintext only').env('HEDDLE_TOKEN_FILE'))
    .option('--ca-address <host:port>', 'the CA\'s address (default: the --xds-address)', parseHostPort('--ca-address'))
    .addOption(new Option('--cert-ttl <duration>', 'workload certificate lifetime to ask for; renewed at about half of it').argParser(parseCertTtlFlag).default(AGENT_DEFAULTS.certTtlMs, '24h'))
    .option('--ca-root-cert <pem file>', 'talk TLS to the CA (15012), trusting this root')
    .option('--trust-domain <domain>', 'SPIFFE trust domain', 'cluster.local')
    .action(async (flags: AgentFlags) => {
      const log = logger('agent');
      const labels = parseLabelFlags(flags.label);
      const identity = { trustDomain: flags.trustDomain, namespace: flags.namespace, serviceAccount: flags.serviceAccount };
      let ca;
      if (flags.tokenFile) {
        const address = flags.caAddress ?? flags.xdsAddress;
        const rootCertPem = flags.caRootCert ? readFileSync(flags.caRootCert, 'utf8') : undefined;
        ca = createGrpcCaClient({ address, token: createTokenFileSource(flags.tokenFile), ...(rootCertPem ? { tls: { rootCertPem } } : {}) });
        log.info({ ca: address, tls: rootCertPem !== undefined, certTtlMs: flags.certTtl }, 'requesting the workload certificate');
      }
      const agent = createProxylessAgent({
        identity,
        ...(ca ? { ca } : {}),
        certTtlMs: flags.certTtl,
        outputDir: flags.outputDir,
        bootstrap: { xdsAddress: flags.xdsAddress, name: flags.name, namespace: flags.namespace, serviceAccount: flags.serviceAccount, labels, ip: flags.ip },
        log,
      });
      const stopped = nextStopSignal();
      // The agent's own timers do not hold the process open; this keeps it up until a signal.
      const keepAlive = setInterval(() => undefined, 1 << 30);
      try {
        await Promise.race([agent.start(), stopped]);
        log.info(`${await stopped}: stopping`);
      } finally {
        clearInterval(keepAlive);
        await agent.close();
      }
    });
}
