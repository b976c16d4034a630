// Errors of the commands that read the control plane's debug API, with stable codes.

/** Stable codes of debug API failures. */
export type DebugApiErrorCode =
  /** Nothing answers at the control plane URL. */
  | 'CONTROL_PLANE_UNREACHABLE'
  /** The control plane answered with an error status or a body that is not what was asked for. */
  | 'CONTROL_PLANE_ERROR'
  /** No connected proxy matches the name given. */
  | 'PROXY_NOT_FOUND'
  /** Several connected proxies match the name given. */
  | 'PROXY_AMBIGUOUS';

/** A failure reading the debug API; its message is what the user sees. */
export class DebugApiError extends Error {
  constructor(
    readonly code: DebugApiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DebugApiError';
  }
}
