// One GET of a JSON document from a Heddle HTTP API (the control plane's debug port, a sidecar's
// admin), with a deadline; what went wrong comes back as a value, so each caller words its error.

/** The outcome of {@link getJson}. */
export type JsonAnswer =
  | { readonly kind: 'ok'; readonly value: unknown }
  /** No answer: `why` is the system error code (ECONNREFUSED) or the message. */
  | { readonly kind: 'unreachable'; readonly why: string; readonly error: unknown }
  /** An answer with a status other than 2xx, and its body. */
  | { readonly kind: 'status'; readonly status: number; readonly body: string }
  | { readonly kind: 'not-json'; readonly error: unknown };

/** GETs `url` within `timeoutMs` and parses the body as JSON. Never rejects. */
export async function getJson(url: string | URL, timeoutMs: number): Promise<JsonAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'unreachable', why: cause?.code ?? cause?.message ?? (error as Error).message, error };
  }
  const body = await res.text();
  if (!res.ok) return { kind: 'status', status: res.status, body };
  try {
    return { kind: 'ok', value: JSON.parse(body) as unknown };
  } catch (error) {
    return { kind: 'not-json', error };
  }
}
