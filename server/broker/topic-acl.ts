import type { Board } from '../../devices/firmware-config/boards';
import { esphomeLockTopics, espRfidCommandTopic, safekeepBoardOf, safekeepCommandTopic, tasmotaCommandTopic } from '../../devices/commands/firmware-commands';
import { safekeepTopics } from '../../devices/decoders/firmware/safekeep';
import { codecFor } from '../../devices/transports/firmware-codecs';
import { TopicFilterSet } from './topic-filter-set';

/**
 * Who may publish and subscribe where. Every topic comes from the helpers the firmware configs,
 * the decoders and the command senders already share, so the ACL cannot drift from what a board
 * sends or what the server listens to. The same table feeds the embedded broker and the
 * generated Mosquitto `acl` file.
 *
 * A board publishes only its own reads and state, and subscribes only to its own commands (and,
 * for Safekeep firmware, its acknowledgements). The server account subscribes to every board's
 * reads (exactly the filters the MQTT transport uses) and publishes only commands and acks.
 * Anything else is denied, including every `$` topic.
 */

export interface TopicAcl {
  /** Topic filters the account may publish on (a topic must match one). */
  publish: readonly string[];
  /** Topic filters the account may subscribe to (a subscription must lie within one). */
  subscribe: readonly string[];
}

type AclBoard = Pick<Board, 'firmware' | 'topic'>;

/**
 * esp-rfid's own publications (README-MQTT.md, src/mqtt.esp): TOPIC itself on the older branch,
 * TOPIC/send, the Home Assistant mode's tag, avty and io/… topics, and the access list and sync
 * replies. Listed rather than TOPIC/#, because TOPIC/cmd is the command topic every controller of
 * a site shares: a controller allowed to publish there could open its neighbours' doors.
 */
const ESP_RFID_PUBLISHES = ['', '/send', '/tag', '/avty', '/io/#', '/accesslist', '/sync'] as const;

export function boardAcl(board: AclBoard): TopicAcl {
  const t = board.topic;
  switch (board.firmware) {
    case 'tasmota':
      return { publish: codecFor('tasmota').subscriptions({ topic: t }), subscribe: [tasmotaCommandTopic(t, '#')] };
    case 'esphome':
      // Commands are <prefix>/<component>/<object id>/command (esphome mqtt_component), plus the
      // generated YAML's lock pulse topic.
      return { publish: codecFor('esphome').subscriptions({ topic: t }), subscribe: [`${t}/+/+/command`, esphomeLockTopics(t).pulse] };
    case 'esp-rfid':
      return { publish: ESP_RFID_PUBLISHES.map((suffix) => `${t}${suffix}`), subscribe: [espRfidCommandTopic(t)] };
    case 'safekeep': {
      const id = safekeepBoardOf(t);
      const topics = safekeepTopics(id);
      return { publish: [topics.read, topics.status], subscribe: [topics.ack, safekeepCommandTopic(id)] };
    }
  }
}

/** What the server sends to one board: lock commands, and acknowledgements for Safekeep firmware. */
export function serverPublishesTo(board: AclBoard): string[] {
  const t = board.topic;
  switch (board.firmware) {
    case 'tasmota':
      return [tasmotaCommandTopic(t, '#')];
    case 'esphome': {
      const lock = esphomeLockTopics(t);
      return [lock.command, lock.pulse];
    }
    case 'esp-rfid':
      return [espRfidCommandTopic(t)];
    case 'safekeep': {
      const id = safekeepBoardOf(t);
      return [safekeepCommandTopic(id), safekeepTopics(id).ack];
    }
  }
}

export function serverAcl(boards: readonly AclBoard[]): TopicAcl {
  const subscribe = boards.flatMap((b) => codecFor(b.firmware).subscriptions({ topic: b.topic }));
  const publish = boards.flatMap(serverPublishesTo);
  return { publish: [...new Set(publish)], subscribe: [...new Set(subscribe)] };
}

/** MQTT filter matching: `+` is one level, a final `#` this level and any below (also none). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** True when every topic `requested` can match is matched by `allowed`. */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '#') return true;
    if (i >= r.length) return false;
    if (r[i] === '#') return false;
    if (a[i] === '+') continue;
    if (r[i] === '+' || a[i] !== r[i]) return false;
  }
  return a.length === r.length;
}

/** True when some topic matches both filters. */
export function filtersIntersect(x: string, y: string): boolean {
  const a = x.split('/');
  const b = y.split('/');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === '#' || b[i] === '#') return true;
    if (a[i] === undefined || b[i] === undefined) return false;
    if (a[i] !== '+' && b[i] !== '+' && a[i] !== b[i]) return false;
  }
  return true;
}

const reserved = (topic: string) => topic.startsWith('$');
const wildcard = (topic: string) => topic.includes('+') || topic.includes('#');

/** Compiled once per ACL: the broker checks every publish and every delivery against it. */
const compiled = new WeakMap<TopicAcl, { publish: TopicFilterSet; subscribe: TopicFilterSet }>();

function compile(acl: TopicAcl) {
  let sets = compiled.get(acl);
  if (!sets) compiled.set(acl, (sets = { publish: new TopicFilterSet(acl.publish), subscribe: new TopicFilterSet(acl.subscribe) }));
  return sets;
}

export function mayPublish(acl: TopicAcl, topic: string): boolean {
  if (topic === '' || reserved(topic) || wildcard(topic)) return false;
  return compile(acl).publish.matches(topic);
}

export function maySubscribe(acl: TopicAcl, filter: string): boolean {
  if (filter === '' || reserved(filter)) return false;
  return acl.subscribe.some((f) => filterCovers(f, filter));
}

/** Checked again at delivery, whatever the subscription: defence in depth. */
export function mayReceive(acl: TopicAcl, topic: string): boolean {
  if (reserved(topic)) return false;
  return compile(acl).subscribe.matches(topic);
}

/**
 * Boards whose topics overlap can publish as each other (esp-rfid controllers sharing one TOPIC
 * always can: that is esp-rfid's design), or publish where another board takes commands. The
 * broker and `broker mosquitto-config` print these so the installer can give boards distinct topics.
 */
export function aclOverlaps(boards: readonly (AclBoard & { name: string })[]): string[] {
  const warnings: string[] = [];
  for (const a of boards) {
    const mine = boardAcl(a).publish;
    for (const b of boards) {
      if (a === b) continue;
      const theirs = boardAcl(b);
      const asThem = mine.find((f) => theirs.publish.some((g) => filtersIntersect(f, g)));
      const toThem = mine.find((f) => theirs.subscribe.some((g) => filtersIntersect(f, g)) || serverPublishesTo(b).some((g) => filtersIntersect(f, g)));
      if (asThem !== undefined) warnings.push(`board ${a.name} may publish on ${asThem}, where board ${b.name} publishes too: it could send reads in ${b.name}'s name`);
      else if (toThem !== undefined) warnings.push(`board ${a.name} may publish on ${toThem}, where board ${b.name} takes commands`);
    }
  }
  return warnings;
}
