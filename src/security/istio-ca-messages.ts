// The messages of Istio's CSR service (`istio.v1.auth`), encoded with protobufjs from an inline
// descriptor, so both the CA server and the agent's client speak the same wire format.
import protobuf from 'protobufjs';

/** `istio.v1.auth.IstioCertificateRequest`. */
export interface IstioCertificateRequest {
  /** PKCS#10 CSR, PEM (field 1). */
  readonly csr: string;
  /** Requested lifetime in seconds (field 3, int64); 0 asks for the CA's default. */
  readonly validityDuration: number;
  /** `google.protobuf.Struct` (field 4), as a plain object of its protobuf JSON form; optional. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** `istio.v1.auth.IstioCertificateResponse`. */
export interface IstioCertificateResponse {
  /** PEM certificates (field 1): the workload certificate first, the roots last. */
  readonly certChain: readonly string[];
}

const root = protobuf.Root.fromJSON({
  nested: {
    istio: {
      nested: {
        v1: {
          nested: {
            auth: {
              nested: {
                IstioCertificateRequest: {
                  fields: {
                    csr: { type: 'string', id: 1 },
                    validityDuration: { type: 'int64', id: 3 },
                    metadata: { type: 'google.protobuf.Struct', id: 4 },
                  },
                },
                IstioCertificateResponse: {
                  fields: { certChain: { rule: 'repeated', type: 'string', id: 1 } },
                },
              },
            },
          },
        },
      },
    },
    ...(protobuf.common.get('google/protobuf/struct.proto') as { nested: Record<string, protobuf.AnyNestedObject> }).nested,
  },
});

const REQUEST = root.lookupType('istio.v1.auth.IstioCertificateRequest');
const RESPONSE = root.lookupType('istio.v1.auth.IstioCertificateResponse');
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, defaults: true, arrays: true };

/** Encodes a request for the wire. */
export function encodeCertificateRequest(request: IstioCertificateRequest): Buffer {
  return Buffer.from(REQUEST.encode(REQUEST.fromObject(request)).finish());
}

/** Decodes a request from the wire; throws on bytes that are not the message. */
export function decodeCertificateRequest(bytes: Buffer): IstioCertificateRequest {
  const o = REQUEST.toObject(REQUEST.decode(bytes), TO_OBJECT) as { csr: string; validityDuration: number; metadata?: Record<string, unknown> };
  return o.metadata ? { csr: o.csr, validityDuration: o.validityDuration, metadata: o.metadata } : { csr: o.csr, validityDuration: o.validityDuration };
}

/** Encodes a response for the wire. */
export function encodeCertificateResponse(response: IstioCertificateResponse): Buffer {
  return Buffer.from(RESPONSE.encode(RESPONSE.fromObject({ certChain: [...response.certChain] })).finish());
}

/** Decodes a response from the wire; throws on bytes that are not the message. */
export function decodeCertificateResponse(bytes: Buffer): IstioCertificateResponse {
  const o = RESPONSE.toObject(RESPONSE.decode(bytes), TO_OBJECT) as { certChain: string[] };
  return { certChain: o.certChain };
}
