// `heddle iptables apply|clean`: istio-init's job, the nat rules that redirect a pod's traffic to
// its sidecar (flags are istio-iptables' own), and their removal.
import type { Command } from 'commander';
import { logger } from '../../log/index.js';
import { parseCaptureOptions, type CaptureFlags, type IpFamily } from '../../interception/capture-options.js';
import { buildCaptureRules } from '../../interception/capture-rules.js';
import { createIptablesClient } from '../../interception/iptables-client.js';
import { renderRuleCommands } from '../../interception/rules-render.js';

/** Commander's camelCase names for istio-iptables' flags. */
interface ApplyFlags {
  readonly envoyPort: string;
  readonly inboundCapturePort: string;
  readonly proxyUid: string;
  readonly proxyGid: string;
  readonly istioInboundPorts: string;
  readonly istioLocalExcludePorts: string;
  readonly istioOutboundPorts: string;
  readonly istioLocalOutboundPortsExclude: string;
  readonly istioServiceCidr: string;
  readonly istioServiceExcludeCidr: string;
  readonly ipFamily: string;
  readonly dryRun: boolean;
}

function captureFlags(flags: ApplyFlags): CaptureFlags {
  return {
    envoyPort: flags.envoyPort,
    inboundCapturePort: flags.inboundCapturePort,
    proxyUid: flags.proxyUid,
    proxyGid: flags.proxyGid,
    inboundPorts: flags.istioInboundPorts,
    inboundPortsExclude: flags.istioLocalExcludePorts,
    outboundPorts: flags.istioOutboundPorts,
    outboundPortsExclude: flags.istioLocalOutboundPortsExclude,
    outboundIpRanges: flags.istioServiceCidr,
    outboundIpRangesExclude: flags.istioServiceExcludeCidr,
    family: flags.ipFamily,
  };
}

function familiesOf(text: string | undefined): IpFamily[] {
  const parsed = parseCaptureOptions({ family: text ?? 'dual' });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return [...parsed.options.families];
}

export function registerIptables(program: Command): void {
  const iptables = program
    .command('iptables')
    .description('install or remove the iptables rules that capture a pod\'s traffic for its sidecar (istio-init)');

  iptables
    .command('apply')
    .description('install Istio\'s nat capture rules (ISTIO_INBOUND, ISTIO_IN_REDIRECT, ISTIO_OUTPUT, ISTIO_REDIRECT); applying again replaces them')
    .option('-p, --envoy-port <port>', 'port outbound traffic is redirected to', '15001')
    .option('-z, --inbound-capture-port <port>', 'port inbound traffic is redirected to', '15006')
    .option('-u, --proxy-uid <uids>', 'uid(s) of the proxy, whose traffic is not captured', '1337')
    .option('-g, --proxy-gid <gids>', 'gid(s) of the proxy, whose traffic is not captured', '1337')
    .option('-b, --istio-inbound-ports <ports>', 'inbound ports to capture, comma-separated, or * for all', '*')
    .option('-d, --istio-local-exclude-ports <ports>', 'inbound ports not to capture (with *)', '15090,15021,15020')
    .option('-q, --istio-outbound-ports <ports>', 'outbound ports always captured, whatever the destination', '')
    .option('-o, --istio-local-outbound-ports-exclude <ports>', 'outbound ports never captured', '')
    .option('-i, --istio-service-cidr <cidrs>', 'outbound destinations to capture, comma-separated CIDRs, or * for all', '*')
    .option('-x, --istio-service-exclude-cidr <cidrs>', 'outbound destinations never captured', '')
    .option('--ip-family <family>', 'ipv4 (iptables), ipv6 (ip6tables) or dual', 'dual')
    .option('--dry-run', 'print the rules as iptables commands instead of installing them', false)
    .action(async (flags: ApplyFlags) => {
      const parsed = parseCaptureOptions(captureFlags(flags));
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
      const options = parsed.options;
      if (flags.dryRun) {
        for (const family of options.families) {
          process.stdout.write(`${renderRuleCommands(buildCaptureRules(options, family)).join('\n')}\n`);
        }
        return;
      }
      await createIptablesClient().apply(options);
      logger('iptables').info({ families: options.families, envoyPort: options.envoyPort, inboundCapturePort: options.inboundCapturePort }, 'capture rules installed');
    });

  iptables
    .command('clean')
    .description('remove the capture chains and the jumps into them, and nothing else')
    .option('--ip-family <family>', 'ipv4 (iptables), ipv6 (ip6tables) or dual', 'dual')
    .action(async (flags: { ipFamily?: string }) => {
      const reports = await createIptablesClient().clean(familiesOf(flags.ipFamily));
      for (const r of reports) {
        logger('iptables').info({ family: r.family, jumps: r.jumps, chains: r.chains }, r.chains.length + r.jumps === 0 ? 'no capture rules installed' : 'capture rules removed');
      }
    });
}
