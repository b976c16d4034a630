// `/config_dump`'s SecretsConfigDump: the SDS secrets the proxy's TLS contexts use, in Envoy's
// shape (envoy.admin.v3.SecretsConfigDump), with every private key redacted as Envoy redacts it.
import type { NamedSecret } from './admin-certs.js';

export const SECRETS_CONFIG_DUMP_TYPE = 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump';
const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

/**
 * What stands in for a private key: the bytes `[redacted]`, which Envoy writes over sensitive
 * fields, printed in base64 as proto JSON prints every bytes field.
 */
export const REDACTED_BYTES = Buffer.from('[redacted]', 'utf8').toString('base64');

/** An envoy.config.core.v3.DataSource holding bytes, as proto JSON (base64). */
export interface InlineBytes {
  readonly inline_bytes: string;
}

/** An envoy.extensions.transport_sockets.tls.v3.Secret, packed in an Any. */
export interface DumpedSecret {
  readonly '@type': typeof SECRET_TYPE;
  readonly name: string;
  readonly tls_certificate?: { readonly certificate_chain: InlineBytes; readonly private_key: InlineBytes };
  readonly validation_context?: { readonly trusted_ca: InlineBytes };
}

/** SecretsConfigDump.DynamicSecret. */
export interface DynamicSecret {
  readonly name: string;
  /** Counts the secret's values from 1; empty while it has none. */
  readonly version_info: string;
  /** RFC 3339, when the current value reached the proxy; absent when that is not known. */
  readonly last_updated?: string;
  /** The value; a warming secret's holds only its name. */
  readonly secret: DumpedSecret;
}

/** The SecretsConfigDump entry of `/config_dump`'s `configs`. */
export interface SecretsConfigDump {
  readonly '@type': typeof SECRETS_CONFIG_DUMP_TYPE;
  readonly dynamic_active_secrets: readonly DynamicSecret[];
  readonly dynamic_warming_secrets: readonly DynamicSecret[];
}

const base64 = (pem: string): InlineBytes => ({ inline_bytes: Buffer.from(pem, 'utf8').toString('base64') });

function dumpedSecret({ name, secret }: NamedSecret): DumpedSecret {
  if (!secret) return { '@type': SECRET_TYPE, name };
  return secret.kind === 'certificate'
    ? { '@type': SECRET_TYPE, name, tls_certificate: { certificate_chain: base64(secret.certificateChainPem), private_key: { inline_bytes: REDACTED_BYTES } } }
    : { '@type': SECRET_TYPE, name, validation_context: { trusted_ca: base64(secret.trustedCaPem) } };
}

function dynamicSecret(named: NamedSecret): DynamicSecret {
  const { update } = named;
  return {
    name: named.name,
    version_info: named.secret && update ? String(update.version) : '',
    ...(named.secret && update ? { last_updated: new Date(update.lastUpdated).toISOString() } : {}),
    secret: dumpedSecret(named),
  };
}

/**
 * Builds the dump for `secrets` (the names the config uses, in order): a secret with a value is
 * active, its certificate chain or roots as PEM bytes; one without is warming, as in Envoy, whose
 * listeners wait for it. File certificates (`file-cert:`, `file-root:`) reach the proxy as SDS
 * secrets too, as Istio's agent serves them, so they are listed the same way. The private key
 * never leaves the process: it is always {@link REDACTED_BYTES}.
 */
export function buildSecretsConfigDump(secrets: readonly NamedSecret[]): SecretsConfigDump {
  return {
    '@type': SECRETS_CONFIG_DUMP_TYPE,
    dynamic_active_secrets: secrets.filter((s) => s.secret !== undefined).map(dynamicSecret),
    dynamic_warming_secrets: secrets.filter((s) => s.secret === undefined).map(dynamicSecret),
  };
}
