// PEM bundles: split a text holding several certificates into one PEM string per certificate.

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The certificates in `text`, in order, one PEM string each (normalised to end with a newline).
 * Anything between or around the blocks (comments, keys) is ignored; no block gives `[]`.
 */
export function splitPemCertificates(text: string): string[] {
  return (text.match(CERT_BLOCK) ?? []).map((block) => `${block.trim()}\n`);
}
