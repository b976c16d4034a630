// Errors of reading a sidecar's admin API for `heddle proxy-config secrets`, with stable codes.

/** Stable codes of admin API failures. */
export type AdminApiErrorCode =
  /** `--admin` is not `host:port`. */
  | 'BAD_ADMIN_ADDRESS'
  /** The proxy did not report its admin port to the control plane (HEDDLE_ADMIN_PORT). */
  | 'ADMIN_PORT_UNKNOWN'
  /** Nothing answers at the admin address. */
  | 'ADMIN_UNREACHABLE'
  /** The admin answered with an error status or a body that is not a config dump. */
  | 'ADMIN_ERROR';

/** A failure reading a sidecar's admin API; its message is what the user sees. */
export class AdminApiError extends Error {
  constructor(
    readonly code: AdminApiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AdminApiError';
  }
}
