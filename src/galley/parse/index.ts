// Config text into resources: YAML documents, then one validated resource per document.
import { createIssue, type ConfigIssue } from '../issue.js';
import { parseResource, type ParsedResource } from './parse-resource.js';
import { parseYamlDocuments, type RawDocument } from './yaml-documents.js';

export { DEFAULT_NAMESPACE, parseResource, type ParsedResource } from './parse-resource.js';
export { parseYamlDocuments, type RawDocument } from './yaml-documents.js';

/** Everything read from one file (or stdin, or any other text source). */
export interface ParsedFile {
  readonly file: string;
  /** One entry per document, in order. */
  readonly results: ParsedResource[];
  /** YAML syntax errors, and notes about the file as a whole. */
  readonly fileIssues: ConfigIssue[];
}

/** Parses and validates all documents of one YAML text, read from `file`. */
export function parseConfigText(text: string, file: string): ParsedFile {
  const { documents, errors } = parseYamlDocuments(text);
  const fileIssues = errors.map((e) =>
    createIssue('error', [], `YAML syntax error: ${e.message}`, { location: { file, line: e.line } }),
  );
  const results = documents.flatMap((doc) => listItems(doc) ?? [doc]).map((doc) => parseResource(doc, file));
  if (documents.length === 0 && errors.length === 0) {
    fileIssues.push(createIssue('warning', [], 'the file holds no resources', { location: { file, line: 1 } }));
  }
  return { file, results, fileIssues };
}

/** Every issue of a parsed file, in document order. */
export function issuesOf(parsed: ParsedFile): ConfigIssue[] {
  return [...parsed.fileIssues, ...parsed.results.flatMap((r) => (r.status === 'ignored' ? [] : r.issues))];
}

/**
 * The items of a Kubernetes `List` (what `kubectl get -o yaml` prints), each as a document of its
 * own whose lines still point into the list; undefined when `doc` is not a List.
 */
function listItems(doc: RawDocument): RawDocument[] | undefined {
  const v = doc.value as { apiVersion?: unknown; kind?: unknown; items?: unknown } | null;
  if (!v || typeof v !== 'object' || v.kind !== 'List' || v.apiVersion !== 'v1' || !Array.isArray(v.items)) return undefined;
  return v.items.map((item, i) => ({
    value: item,
    line: doc.lineOf(['items', i]),
    lineOf: (path) => doc.lineOf(['items', i, ...path]),
  }));
}
