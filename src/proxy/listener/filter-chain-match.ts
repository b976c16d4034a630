// Filter-chain matching as Envoy does it: a tree precomputed per listener, walked level by level,
// the most specific candidate winning at each level with no backtracking to a less specific one.
import type { FilterChainConfig, ListenerConfig } from '../config/listener.js';
import { cidrContains, isLoopback, parseCidr, parseIp, type IpCidr, type IpValue } from './ip-cidr.js';

/** What is known about a connection when its filter chain is chosen. */
export interface FilterChainMatchProps {
  /** The original destination (or the local address when the connection was not redirected). */
  readonly destinationPort: number;
  readonly destinationAddress: string;
  /** SNI from the TLS ClientHello. */
  readonly serverName?: string;
  readonly transportProtocol: 'tls' | 'raw_buffer';
  /** ALPN from the ClientHello, or what the HTTP inspector sniffed, in the client's order. */
  readonly applicationProtocols: readonly string[];
  readonly sourceAddress: string;
  readonly sourcePort: number;
}

/** Chooses a listener's filter chain for a connection. */
export interface FilterChainSelector {
  /** The matching chain, else the listener's default chain, else undefined (Envoy closes the connection). */
  select(props: FilterChainMatchProps): FilterChainConfig | undefined;
}

interface MatchNode {
  readonly exact: Map<string | number, MatchNode>;
  readonly cidrs: readonly { readonly cidr: IpCidr; readonly node: MatchNode }[];
  /** Server-name wildcards by suffix with its leading dot: `*.example.com` is `.example.com`. */
  readonly wildcards: Map<string, MatchNode>;
  readonly any: MatchNode | undefined;
  readonly chain: FilterChainConfig | undefined;
}

interface Addresses {
  destination: IpValue | undefined | null;
  source: IpValue | undefined | null;
}

type Level = {
  /** A chain's keys at this level; none means it matches anything here. */
  keys(chain: FilterChainConfig): readonly (string | number)[];
  /** The next node for the connection; the caller falls back to `any` only when this gives undefined. */
  pick(node: MatchNode, props: FilterChainMatchProps, addresses: Addresses): MatchNode | undefined;
};

const cidrKey = (r: { address: string; prefixLen: number }) => `${r.address}/${r.prefixLen}`;

const LEVELS: readonly Level[] = [
  {
    keys: (c) => (c.match.destinationPort !== undefined && c.match.destinationPort !== 0 ? [c.match.destinationPort] : []),
    pick: (node, props) => node.exact.get(props.destinationPort),
  },
  {
    keys: (c) => c.match.prefixRanges.filter((r) => parseCidr(r) !== undefined).map(cidrKey),
    pick: (node, props, a) => longestPrefix(node, (a.destination ??= parseIp(props.destinationAddress))),
  },
  {
    keys: (c) => c.match.serverNames.map((n) => n.toLowerCase()),
    pick: (node, props) => (props.serverName === undefined ? undefined : serverName(node, props.serverName.toLowerCase())),
  },
  {
    keys: (c) => (c.match.transportProtocol ? [c.match.transportProtocol] : []),
    pick: (node, props) => node.exact.get(props.transportProtocol),
  },
  {
    keys: (c) => c.match.applicationProtocols,
    pick: (node, props) => {
      for (const p of props.applicationProtocols) {
        const next = node.exact.get(p);
        if (next) return next;
      }
      return undefined;
    },
  },
  {
    keys: (c) => (c.match.sourceType ? [c.match.sourceType] : []),
    pick: (node, props, a) => {
      if (node.exact.size === 0) return undefined;
      const source = (a.source ??= parseIp(props.sourceAddress));
      const destination = (a.destination ??= parseIp(props.destinationAddress));
      const local = source !== undefined && (isLoopback(source) || (destination !== undefined && source.v6 === destination.v6 && source.value === destination.value));
      return node.exact.get(local ? 'SAME_IP_OR_LOOPBACK' : 'EXTERNAL');
    },
  },
  {
    keys: (c) => c.match.sourcePrefixRanges.filter((r) => parseCidr(r) !== undefined).map(cidrKey),
    pick: (node, props, a) => longestPrefix(node, (a.source ??= parseIp(props.sourceAddress))),
  },
  {
    keys: (c) => (c.match.sourcePorts ?? []).filter((p) => p !== 0),
    pick: (node, props) => node.exact.get(props.sourcePort),
  },
];

/**
 * Precomputes the listener's match tree. Levels, in Envoy's order: destination port, destination
 * IP (longest prefix), server name (exact, then the longest `*.` wildcard), transport protocol,
 * application protocols (the client's first protocol that any chain names), source type, source
 * IP (longest prefix), source port. At each level the most specific candidate is taken and a
 * chain without a condition at that level is only the fallback. When two chains have the same
 * match, the first one wins. Invalid CIDRs are ignored.
 */
export function createFilterChainSelector(listener: ListenerConfig): FilterChainSelector {
  const root = build(listener.filterChains, 0);
  const fallback = listener.defaultFilterChain;
  return {
    select(props: FilterChainMatchProps): FilterChainConfig | undefined {
      const addresses: Addresses = { destination: null, source: null };
      let node: MatchNode | undefined = root;
      for (let i = 0; i < LEVELS.length && node; i++) node = LEVELS[i]!.pick(node, props, addresses) ?? node.any;
      return node?.chain ?? fallback;
    },
  };
}

function build(chains: readonly FilterChainConfig[], level: number): MatchNode {
  const exact = new Map<string | number, MatchNode>();
  const wildcards = new Map<string, MatchNode>();
  const cidrs: { cidr: IpCidr; node: MatchNode }[] = [];
  if (level === LEVELS.length) return { exact, cidrs, wildcards, any: undefined, chain: chains[0] };
  const groups = new Map<string | number, FilterChainConfig[]>();
  const any: FilterChainConfig[] = [];
  for (const chain of chains) {
    const keys = LEVELS[level]!.keys(chain);
    if (keys.length === 0) any.push(chain);
    for (const key of new Set(keys)) {
      const group = groups.get(key);
      if (group) group.push(chain);
      else groups.set(key, [chain]);
    }
  }
  for (const [key, group] of groups) {
    const node = build(group, level + 1);
    if (typeof key === 'string' && (level === 1 || level === 6)) {
      const slash = key.lastIndexOf('/');
      cidrs.push({ cidr: parseCidr({ address: key.slice(0, slash), prefixLen: Number(key.slice(slash + 1)) })!, node });
    } else if (typeof key === 'string' && level === 2 && key.startsWith('*.')) {
      wildcards.set(key.slice(1), node);
    } else {
      exact.set(key, node);
    }
  }
  cidrs.sort((a, b) => b.cidr.prefixLen - a.cidr.prefixLen);
  return { exact, cidrs, wildcards, any: any.length > 0 ? build(any, level + 1) : undefined, chain: undefined };
}

function longestPrefix(node: MatchNode, ip: IpValue | undefined): MatchNode | undefined {
  if (!ip) return undefined;
  for (const entry of node.cidrs) if (cidrContains(entry.cidr, ip)) return entry.node;
  return undefined;
}

function serverName(node: MatchNode, name: string): MatchNode | undefined {
  const exact = node.exact.get(name);
  if (exact) return exact;
  // `a.b.example.com` tries `*.b.example.com`, then `*.example.com`, then `*.com`.
  for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
    const wild = node.wildcards.get(name.slice(dot));
    if (wild) return wild;
  }
  return undefined;
}
