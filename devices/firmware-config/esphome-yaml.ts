import { parse, stringify, type ScalarTag } from 'yaml';
import { stringifyString } from 'yaml/util';

/**
 * ESPHome's two YAML tags that plain YAML lacks: `!secret name` (a value kept in secrets.yaml,
 * out of the shared config) and `!lambda code` (C++ run on the board). Generated configs are
 * built as data with these classes in them, then written and re-read with the same tags.
 */

export class Secret {
  constructor(readonly name: string) {}
}

export class Lambda {
  constructor(readonly code: string) {}
}

const scalar = <T>(tag: string, type: new (text: string) => T, text: (value: T) => string, quoted: boolean): ScalarTag => ({
  tag,
  identify: (value) => value instanceof type,
  resolve: (value) => new type(value),
  // Lambdas are C++: quoted on one line, or a literal block, so no C++ character is read as YAML.
  stringify: (item, ctx, onComment, onChompKeep) => {
    const value = text(item.value as T);
    const style = !quoted ? undefined : value.includes('\n') ? 'BLOCK_LITERAL' : 'QUOTE_SINGLE';
    return stringifyString({ value, ...(style ? { type: style } : {}) } as never, ctx, onComment, onChompKeep);
  },
});

export const ESPHOME_TAGS: ScalarTag[] = [scalar('!secret', Secret, (s) => s.name, false), scalar('!lambda', Lambda, (l) => l.code, true)];

export function toEsphomeYaml(document: unknown, header: readonly string[]): string {
  const body = stringify(document, { customTags: ESPHOME_TAGS, lineWidth: 0 });
  return [...header.map((line) => (line === '' ? '#' : `# ${line}`)), '', body].join('\n');
}

/** Parses generated (or hand-edited) ESPHome YAML; `!secret` and `!lambda` come back as the classes above. */
export function parseEsphomeYaml(text: string): unknown {
  return parse(text, { customTags: ESPHOME_TAGS });
}
