// The ADS server's errors: a small taxonomy with stable codes, and the one place that maps them
// to a gRPC status at the stream edge.
import { status as GrpcStatus, type StatusObject } from '@grpc/grpc-js';

/** Stable codes of the ADS server's errors. */
export type XdsServerErrorCode =
  /** The stream's first request carries no node, or a node without an id. */
  | 'XDS_MISSING_NODE'
  /** The node could not be parsed into a proxy (an unknown proxy type, say). */
  | 'XDS_INVALID_NODE'
  /** A request without a type URL, which ADS requires. */
  | 'XDS_MISSING_TYPE_URL'
  /** The server is shutting down. */
  | 'XDS_SERVER_STOPPING';

const GRPC_CODES: Record<XdsServerErrorCode, GrpcStatus> = {
  XDS_MISSING_NODE: GrpcStatus.INVALID_ARGUMENT,
  XDS_INVALID_NODE: GrpcStatus.INVALID_ARGUMENT,
  XDS_MISSING_TYPE_URL: GrpcStatus.INVALID_ARGUMENT,
  XDS_SERVER_STOPPING: GrpcStatus.UNAVAILABLE,
};

/** A failure that ends an xDS stream, with its stable `code`. */
export class XdsServerError extends Error {
  constructor(
    readonly code: XdsServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'XdsServerError';
  }

  /** The gRPC status the stream ends with. */
  get grpcCode(): GrpcStatus {
    return GRPC_CODES[this.code];
  }
}

/** The status a stream ends with for `err`: the error's own for XdsServerError, INTERNAL otherwise. */
export function toStreamStatus(err: unknown): Partial<StatusObject> {
  if (err instanceof XdsServerError) return { code: err.grpcCode, details: err.message };
  return { code: GrpcStatus.INTERNAL, details: err instanceof Error ? err.message : String(err) };
}
