import type { Document, Node, YAMLError } from 'yaml';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from './config-error';

export type Path = readonly PropertyKey[];

export interface Position {
  line: number;
  column: number;
}

/**
 * A parsed YAML text that remembers where each value came from, so a complaint about the value
 * at `cabinets[2].room` can point at the line a person has to edit.
 */
export interface YamlSource {
  /** The plain data, when the text parsed; syntax errors otherwise. */
  result: { ok: true; data: unknown } | { ok: false; issues: ConfigIssue[] };
  /** Where the value at `path` starts; for a missing key, where its nearest enclosing value starts. */
  positionOf(path: Path): Position | undefined;
  /** Where the key itself is written, for complaints about the key rather than its value. */
  keyPositionOf(path: Path, key: string): Position | undefined;
}

export function readYaml(text: string, fileName: string): YamlSource {
  const lineCounter = new LineCounter();
  // Duplicate keys are syntax errors here: with a silent last-wins, a second `lock:` would
  // replace the first without anyone noticing.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const positionOf = (path: Path): Position | undefined => {
    const node = nearestNode(doc, path);
    return node?.range ? at(node.range[0]) : undefined;
  };
  const keyPositionOf = (path: Path, key: string): Position | undefined => {
    const parent = nearestNode(doc, path);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
      if (pair && isNode(pair.key) && pair.key.range) return at(pair.key.range[0]);
    }
    return positionOf(path);
  };

  const [first, ...rest] = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  if (first !== undefined) {
    // One slip (a wrong indent) sets off a cascade of follow-on errors further down; the first
    // is the one to fix, and the rest usually vanish with it.
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more error${rest.length === 1 ? '' : 's'} after it, likely caused by this one)`;
    const issue: ConfigIssue = { field: '', message: `YAML syntax: ${syntaxMessage(first, text)}${more}`, file: fileName, ...at(first.pos[0]) };
    return { result: { ok: false, issues: [issue] }, positionOf, keyPositionOf };
  }
  return { result: { ok: true, data: doc.toJS() as unknown }, positionOf, keyPositionOf };
}

function syntaxMessage(error: YAMLError, text: string): string {
  if (error.code === 'MULTIPLE_DOCS') return 'the file must hold a single document; remove the extra "---" line';
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0].trim() ?? '';
    return `key "${key}" appears twice in the same block; keep one`;
  }
  return error.message;
}

/** `cabinets[2].room`, the way the file's reader thinks of it. */
export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/** Walks down as far as the document goes, so a missing key still gets its parent's line. */
function nearestNode(doc: Document, path: Path): Node | undefined {
  let node: unknown = doc.contents;
  for (const segment of path) {
    let next: unknown;
    if (isMap(node)) next = node.get(segment, true);
    else if (isSeq(node) && typeof segment === 'number') next = node.get(segment, true);
    if (!isNode(next)) break;
    node = next;
  }
  return isNode(node) ? node : undefined;
}
