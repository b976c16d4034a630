// Secrets read from files (`file-cert:…`, `file-root:…`): loaded when first asked for, then polled
// so that a replaced certificate reaches the proxy without a restart.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '../log/index.js';
import type { Secret } from '../proxy/tls/secret-provider.js';
import { SYSTEM_AGENT_TIMERS, type AgentTimers, type TimerHandle } from './agent-timers.js';
import { parseFileSecretName, type FileSecretName } from './file-secret-name.js';

export interface FileSecretsOptions {
  readonly log: Logger;
  readonly timers?: AgentTimers;
  /** How often watched files are re-read. */
  readonly pollIntervalMs?: number;
  /** At most this many names are cached and polled; more are read on every `get` and never watched. */
  readonly maxSecrets?: number;
  /** Reads a file as text; throws on I/O errors. */
  readonly readFile?: (path: string) => string;
}

/** The file half of the agent's secret provider. */
export interface FileSecrets {
  /** The secret a file name stands for, or undefined when it is not one or its files are not (yet) usable. */
  get(name: string): Secret | undefined;
  /** Calls `onChange` when the files behind `name` change to a usable new value. */
  watch(name: string, onChange: (secret: Secret | undefined) => void): () => void;
  /** Stops polling. */
  close(): void;
}

export const FILE_SECRETS_DEFAULTS = { pollIntervalMs: 5000, maxSecrets: 256 } as const;

interface Entry {
  readonly source: FileSecretName;
  /** The raw file contents the current value was made from. */
  contents?: string;
  value?: Secret;
  readonly watchers: Set<(secret: Secret | undefined) => void>;
  /** Asked for since the last poll; unwatched entries that were not are dropped. */
  touched: boolean;
}

/** Creates the file secret store; it polls only while some name is cached. */
export function createFileSecrets(options: FileSecretsOptions): FileSecrets {
  const timers = options.timers ?? SYSTEM_AGENT_TIMERS;
  const pollIntervalMs = options.pollIntervalMs ?? FILE_SECRETS_DEFAULTS.pollIntervalMs;
  const maxSecrets = options.maxSecrets ?? FILE_SECRETS_DEFAULTS.maxSecrets;
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const log = options.log;
  const entries = new Map<string, Entry>();
  let timer: TimerHandle | undefined;
  let closed = false;

  /** Re-reads an entry's files; returns true when it took a new value. */
  const load = (name: string, entry: Entry): boolean => {
    const read = readSecret(entry.source, readFile);
    if (!read.ok) {
      if (entry.contents !== read.contents) log.warn({ secret: name, reason: read.reason }, entry.value ? 'file secret unusable; keeping its last good value' : 'file secret unusable');
      entry.contents = read.contents;
      return false;
    }
    if (read.contents === entry.contents && entry.value) return false;
    entry.contents = read.contents;
    entry.value = read.secret;
    return true;
  };

  const poll = (): void => {
    timer = undefined;
    for (const [name, entry] of entries) {
      if (entry.watchers.size === 0 && !entry.touched) {
        entries.delete(name);
        continue;
      }
      entry.touched = false;
      if (load(name, entry)) {
        log.info({ secret: name }, 'file secret changed');
        for (const watcher of [...entry.watchers]) watcher(entry.value);
      }
    }
    arm();
  };

  const arm = (): void => {
    if (timer === undefined && !closed && entries.size > 0) timer = timers.setTimeout(poll, pollIntervalMs);
  };

  const entryOf = (name: string): Entry | undefined => {
    const existing = entries.get(name);
    if (existing) return existing;
    const source = parseFileSecretName(name);
    if (!source || entries.size >= maxSecrets) return undefined;
    const entry: Entry = { source, watchers: new Set(), touched: true };
    load(name, entry);
    entries.set(name, entry);
    arm();
    return entry;
  };

  return {
    get(name) {
      const entry = entryOf(name);
      if (entry) {
        entry.touched = true;
        return entry.value;
      }
      const source = parseFileSecretName(name);
      if (!source) return undefined;
      const read = readSecret(source, readFile);
      return read.ok ? read.secret : undefined;
    },
    watch(name, onChange) {
      const entry = entryOf(name);
      if (!entry) {
        if (parseFileSecretName(name)) log.warn({ secret: name, maxSecrets }, 'too many file secrets; this one is not watched for changes');
        return () => undefined;
      }
      entry.watchers.add(onChange);
      return () => void entry.watchers.delete(onChange);
    },
    close() {
      closed = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
    },
  };
}

type ReadResult = { ok: true; secret: Secret; contents: string } | { ok: false; reason: string; contents: string };

/** Reads and checks a file secret: parseable PEM, and a key that matches its certificate. */
function readSecret(source: FileSecretName, readFile: (path: string) => string): ReadResult {
  let cert: string;
  let key = '';
  try {
    cert = readFile(source.kind === 'certificate' ? source.certPath : source.caPath);
    if (source.kind === 'certificate') key = readFile(source.keyPath);
  } catch (err) {
    return { ok: false, reason: (err as Error).message, contents: `error:${(err as Error).message}` };
  }
  const contents = `${cert}\u0000${key}`;
  try {
    const x509 = new X509Certificate(cert);
    if (source.kind === 'validation') return { ok: true, secret: { kind: 'validation', trustedCaPem: cert }, contents };
    // A certificate and key replaced one after the other are briefly mismatched; wait for both.
    if (!x509.checkPrivateKey(createPrivateKey(key))) return { ok: false, reason: 'the key does not match the certificate', contents };
    return { ok: true, secret: { kind: 'certificate', certificateChainPem: cert, privateKeyPem: key }, contents };
  } catch (err) {
    return { ok: false, reason: `not a PEM certificate and key: ${(err as Error).message}`, contents };
  }
}
