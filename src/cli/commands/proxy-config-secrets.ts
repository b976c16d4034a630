// `heddle proxy-config secrets`: istioctl's secret table, read from the SecretsConfigDump of a
// sidecar's admin `/config_dump` (one row per SDS secret, described by its first certificate).
import { X509Certificate } from 'node:crypto';
import type { Table } from './table.js';

type Json = Readonly<Record<string, unknown>>;

export const SECRETS_CONFIG_DUMP_TYPE = 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump';

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * The SecretsConfigDump entry of an admin `/config_dump` body (`{configs: [...]}`); an empty dump
 * when the body has none (a proxy that holds no secrets). Undefined when `body` is not a config dump.
 */
export function secretsDumpOf(body: unknown): Json | undefined {
  const configs = obj(body)['configs'];
  if (!Array.isArray(configs)) return undefined;
  const found = configs.map(obj).find((c) => c['@type'] === SECRETS_CONFIG_DUMP_TYPE);
  return found ?? { '@type': SECRETS_CONFIG_DUMP_TYPE, dynamic_active_secrets: [], dynamic_warming_secrets: [] };
}

/** The text of an envoy.config.core.v3.DataSource given inline (proto JSON: bytes are base64). */
function inlineText(source: unknown): string {
  const s = obj(source);
  if (typeof s['inline_bytes'] === 'string') return Buffer.from(s['inline_bytes'], 'base64').toString('utf8');
  return typeof s['inline_string'] === 'string' ? s['inline_string'] : '';
}

/** RFC 3339 in UTC to the second, as istioctl prints certificate times. */
const rfc3339 = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One row: TYPE, VALID CERT, SERIAL NUMBER, NOT AFTER, NOT BEFORE for the first certificate of `pem`. */
function describeCertificate(type: string, pem: string, now: number): string[] {
  const block = PEM_BLOCK.exec(pem)?.[0];
  let cert: X509Certificate | undefined;
  try {
    cert = block ? new X509Certificate(block) : undefined;
  } catch {
    cert = undefined;
  }
  if (!cert) return [type, 'false', '-', '-', '-'];
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const valid = now > notBefore.getTime() && now < notAfter.getTime();
  // istioctl prints the serial as a hex number: lowercase, without leading zeros.
  const serial = BigInt(`0x${cert.serialNumber}`).toString(16);
  return [type, String(valid), serial, rfc3339(notAfter), rfc3339(notBefore)];
}

function secretRow(dynamic: Json, status: 'ACTIVE' | 'WARMING', now: number): string[] {
  const secret = obj(dynamic['secret']);
  const name = typeof dynamic['name'] === 'string' ? dynamic['name'] : String(secret['name'] ?? '-');
  const chain = inlineText(obj(secret['tls_certificate'])['certificate_chain']);
  const roots = inlineText(obj(secret['validation_context'])['trusted_ca']);
  const [type, ...rest] = chain ? describeCertificate('Cert Chain', chain, now) : roots ? describeCertificate('CA', roots, now) : ['-', 'false', '-', '-', '-'];
  return [name, type ?? '-', status, ...rest];
}

/**
 * secrets: RESOURCE NAME | TYPE | STATUS | VALID CERT | SERIAL NUMBER | NOT AFTER | NOT BEFORE, as
 * istioctl prints them: warming secrets first, then active ones; TYPE `Cert Chain` for a
 * certificate with its key, `CA` for trusted roots; VALID CERT whether `now` (epoch ms) lies in the
 * first certificate's validity window; times in RFC 3339 UTC.
 */
export function secretTable(dump: object, now: number): Table {
  const d = obj(dump);
  const rows = [
    ...list(d['dynamic_warming_secrets']).map(obj).map((s) => secretRow(s, 'WARMING', now)),
    ...list(d['dynamic_active_secrets']).map(obj).map((s) => secretRow(s, 'ACTIVE', now)),
  ];
  return { headers: ['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'], rows };
}
