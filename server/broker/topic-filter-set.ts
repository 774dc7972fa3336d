/**
 * A set of MQTT topic filters compiled into a tree of topic levels, so checking a topic costs one
 * walk down its levels instead of one comparison per filter. The server account's ACL holds a
 * filter per board, and the broker checks it for every read delivered: a linear scan made the
 * ACL the largest single cost of ingest at a hundred boards.
 *
 * Semantics are MQTT's (and `topicMatches`'s): `+` is exactly one level, a final `#` is this
 * level and any below, including none ('a/#' matches 'a').
 */
interface Level {
  children: Map<string, Level>;
  /** A filter ends here. */
  end: boolean;
  /** A filter continues here with `#`. */
  rest: boolean;
}

const newLevel = (): Level => ({ children: new Map(), end: false, rest: false });

/**
 * Answers remembered per topic: a broker asks about the same few topics per board on every
 * publish and delivery. Bounded, so a client publishing to ever new topics only clears it.
 */
const REMEMBERED_TOPICS = 4096;

export class TopicFilterSet {
  private readonly root = newLevel();
  private readonly answers = new Map<string, boolean>();

  constructor(filters: Iterable<string>) {
    for (const filter of filters) this.add(filter);
  }

  private add(filter: string): void {
    let node = this.root;
    for (const level of filter.split('/')) {
      if (level === '#') {
        node.rest = true;
        return;
      }
      let child = node.children.get(level);
      if (!child) node.children.set(level, (child = newLevel()));
      node = child;
    }
    node.end = true;
  }

  /** True when some filter of the set matches `topic` (a topic name, without wildcards). */
  matches(topic: string): boolean {
    let answer = this.answers.get(topic);
    if (answer === undefined) {
      answer = matchFrom(this.root, topic.split('/'), 0);
      if (this.answers.size >= REMEMBERED_TOPICS) this.answers.clear();
      this.answers.set(topic, answer);
    }
    return answer;
  }
}

function matchFrom(node: Level, levels: readonly string[], index: number): boolean {
  if (node.rest) return true;
  if (index === levels.length) return node.end;
  const exact = node.children.get(levels[index]!);
  if (exact && matchFrom(exact, levels, index + 1)) return true;
  const any = node.children.get('+');
  return any !== undefined && matchFrom(any, levels, index + 1);
}
