// Multi-document YAML into plain values, keeping the line of every field for error messages.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { FieldPath } from '../../api/index.js';

/** One YAML document: its plain value, and the lines its fields are on. */
export interface RawDocument {
  readonly value: unknown;
  /** The 1-based line the document starts on. */
  readonly line: number;
  /** The line of the field at `path`, or of the nearest enclosing field that exists. */
  lineOf(path: FieldPath): number;
}

/** A YAML syntax error, with its line. */
export interface YamlSyntaxError {
  readonly line: number;
  readonly message: string;
}

export interface ParsedYaml {
  readonly documents: RawDocument[];
  readonly errors: YamlSyntaxError[];
}

/** Parses YAML text holding any number of documents. Empty documents are dropped. */
export function parseYamlDocuments(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *base`) are accepted, as kubectl accepts them.
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const documents: RawDocument[] = [];
  const errors: YamlSyntaxError[] = [];
  if (!Array.isArray(docs)) return { documents, errors }; // an empty stream
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) errors.push({ line: lineAt(e.pos[0]), message: firstLine(e.message) });
      continue;
    }
    const contents = doc.contents as Node | null;
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    const start = contents.range ? lineAt(contents.range[0]) : 1;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // Unresolved or self-referencing aliases, and alias bombs, fail only here.
      errors.push({ line: start, message: firstLine((err as Error).message) });
      continue;
    }
    documents.push({ value, line: start, lineOf: (path) => lineOfPath(contents, path, lineAt) ?? start });
  }
  return { documents, errors };
}

function lineOfPath(root: Node, path: FieldPath, lineAt: (offset: number) => number): number | undefined {
  let node: unknown = root;
  let line = root.range ? lineAt(root.range[0]) : undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const key = pair.key as Node;
      if (key.range) line = lineAt(key.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      if (item.range) line = lineAt(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
