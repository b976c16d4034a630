// The grpc-js definition of Istio's CSR service, `istio.v1.auth.IstioCertificateService`, shared
// by the CA's server and the agent's client.
import type * as grpc from '@grpc/grpc-js';
import {
  decodeCertificateRequest,
  decodeCertificateResponse,
  encodeCertificateRequest,
  encodeCertificateResponse,
  type IstioCertificateRequest,
  type IstioCertificateResponse,
} from './istio-ca-messages.js';

/** The full gRPC path of the one method. */
export const CREATE_CERTIFICATE_PATH = '/istio.v1.auth.IstioCertificateService/CreateCertificate';

/** The service's one unary method, `CreateCertificate`, with explicit (de)serializers. */
export const istioCertificateServiceDefinition = {
  CreateCertificate: {
    path: CREATE_CERTIFICATE_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeCertificateRequest,
    requestDeserialize: decodeCertificateRequest,
    responseSerialize: encodeCertificateResponse,
    responseDeserialize: decodeCertificateResponse,
    originalName: 'createCertificate',
  },
} satisfies grpc.ServiceDefinition<grpc.UntypedServiceImplementation>;

/** What a server implements for the service. */
export interface IstioCertificateServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateCertificate: grpc.handleUnaryCall<IstioCertificateRequest, IstioCertificateResponse>;
}
