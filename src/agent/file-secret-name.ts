// Istio's SDS names for certificates read from files (DestinationRule and Gateway credentials):
// `file-cert:<cert path>~<key path>` and `file-root:<CA path>`.

export const FILE_CERT_PREFIX = 'file-cert:';
export const FILE_ROOT_PREFIX = 'file-root:';

/** The files behind a file secret name. */
export type FileSecretName =
  | { readonly kind: 'certificate'; readonly certPath: string; readonly keyPath: string }
  | { readonly kind: 'validation'; readonly caPath: string };

/** The files a secret name points at, or undefined when it is not a file secret name. */
export function parseFileSecretName(name: string): FileSecretName | undefined {
  if (name.startsWith(FILE_CERT_PREFIX)) {
    const [certPath, keyPath, ...rest] = name.slice(FILE_CERT_PREFIX.length).split('~');
    if (!certPath || !keyPath || rest.length > 0) return undefined;
    return { kind: 'certificate', certPath, keyPath };
  }
  if (name.startsWith(FILE_ROOT_PREFIX)) {
    const caPath = name.slice(FILE_ROOT_PREFIX.length);
    return caPath ? { kind: 'validation', caPath } : undefined;
  }
  return undefined;
}
