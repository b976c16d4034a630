// Just enough DER to write a PKCS#10 request: tag-length-value nodes, nested or pre-encoded,
// and object identifiers. Node's crypto parses X.509 but does not write it.

/** A DER value: a tag with its content bytes or its children, or bytes already encoded. */
export type DerNode =
  | { readonly tag: number; readonly content: Uint8Array | readonly DerNode[] }
  | { readonly encoded: Uint8Array };

/** DER tags the CSR uses. */
export const DER_TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  objectIdentifier: 0x06,
  sequence: 0x30,
  set: 0x31,
  /** `[0]` constructed, context-specific. */
  context0: 0xa0,
  /** `[6]` primitive, context-specific: a GeneralName's uniformResourceIdentifier. */
  context6: 0x86,
} as const;

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return [0x80 | bytes.length, ...bytes];
}

/** The DER encoding of `node`: definite lengths, in the shortest form. */
export function encodeDer(node: DerNode): Buffer {
  if ('encoded' in node) return Buffer.from(node.encoded);
  const content = node.content instanceof Uint8Array ? Buffer.from(node.content) : Buffer.concat(node.content.map(encodeDer));
  return Buffer.concat([Buffer.from([node.tag, ...lengthBytes(content.length)]), content]);
}

/** An OBJECT IDENTIFIER node for dotted `oid` (`2.5.29.17`); throws on a malformed one. */
export function derObjectIdentifier(oid: string): DerNode {
  const arcs = oid.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0) || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! >= 40)) {
    throw new Error(`not an object identifier: "${oid}"`);
  }
  const bytes: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const base128: number[] = [arc % 128];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) base128.unshift(0x80 | (n % 128));
    bytes.push(...base128);
  }
  return { tag: DER_TAG.objectIdentifier, content: Uint8Array.from(bytes) };
}
