import { describe, expect, it } from 'vitest';
import { boardsOf } from '../../devices/firmware-config/boards';
import fc from 'fast-check';
import { TopicFilterSet } from '../../server/broker/topic-filter-set';
import { aclOverlaps, boardAcl, filterCovers, filtersIntersect, mayPublish, mayReceive, maySubscribe, serverAcl, topicMatches } from '../../server/broker/topic-acl';
import type { OfficeConfig } from '../../server/config/office-schema';
import { demoOffice } from '../support/office';

/** The topic ACL per firmware, for the demo office's boards: what each account may publish and subscribe. */
describe('the topic ACL', () => {
  const boards = boardsOf(demoOffice());
  const acl = (name: string) => boardAcl(boards.find((b) => b.name === name)!);

  it('gives each firmware its own topics and nothing else', () => {
    expect(acl('cab-2')).toEqual({ publish: ['tele/cab-2/#', 'stat/cab-2/#'], subscribe: ['cmnd/cab-2/#'] });
    expect(acl('safekeep-cab-1')).toEqual({ publish: ['safekeep/cab-1/#'], subscribe: ['safekeep/cab-1/+/+/command', 'safekeep/cab-1/lock/lock/pulse'] });
    expect(acl('esp-rfid-cab-3')).toEqual({
      publish: ['esp-rfid/cab-3', 'esp-rfid/cab-3/send', 'esp-rfid/cab-3/tag', 'esp-rfid/cab-3/avty', 'esp-rfid/cab-3/io/#', 'esp-rfid/cab-3/accesslist', 'esp-rfid/cab-3/sync'],
      subscribe: ['esp-rfid/cab-3/cmd'],
    });
    expect(acl('safekeep-cab-4')).toEqual({ publish: ['safekeep/cab-4/read', 'safekeep/cab-4/status'], subscribe: ['safekeep/cab-4/ack', 'safekeep/cab-4/command'] });
  });

  it('lets the server read every board and send only commands and acknowledgements', () => {
    const server = serverAcl(boards);
    expect(server.subscribe).toEqual(
      expect.arrayContaining(['tele/cab-2/#', 'stat/cab-2/#', 'safekeep/cab-1/#', 'esp-rfid/cab-3', 'esp-rfid/cab-3/#', 'safekeep/cab-4/read', 'safekeep/cab-4/status']),
    );
    expect(server.publish).toEqual([
      'safekeep/cab-1/lock/lock/command',
      'safekeep/cab-1/lock/lock/pulse',
      'cmnd/cab-2/#',
      'esp-rfid/cab-3/cmd',
      'safekeep/cab-4/command',
      'safekeep/cab-4/ack',
      'safekeep/shred-1/lock/lock/command',
      'safekeep/shred-1/lock/lock/pulse',
      'safekeep/shred-1-scanner/command',
      'safekeep/shred-1-scanner/ack',
    ]);
    expect(mayPublish(server, 'safekeep/cab-4/read')).toBe(false);
    expect(mayPublish(server, 'tele/cab-2/SENSOR')).toBe(false);
    expect(mayPublish(server, 'cmnd/cab-2/Backlog')).toBe(true);
    expect(maySubscribe(server, '#')).toBe(false);
    expect(maySubscribe(server, 'cmnd/cab-2/#')).toBe(false);
  });

  it('keeps a board off other boards\' topics, off commands it could send its neighbours, and off $ topics', () => {
    const tasmota = acl('cab-2');
    expect(mayPublish(tasmota, 'tele/cab-2/SENSOR')).toBe(true);
    expect(mayPublish(tasmota, 'tele/cab-2')).toBe(true);
    expect(mayPublish(tasmota, 'safekeep/cab-4/read')).toBe(false);
    expect(mayPublish(tasmota, 'cmnd/cab-2/POWER1')).toBe(false);
    expect(mayPublish(tasmota, 'tasmota/discovery/AABBCC/config')).toBe(false);
    expect(mayPublish(tasmota, '$SYS/broker/x')).toBe(false);
    expect(maySubscribe(tasmota, 'cmnd/cab-2/#')).toBe(true);
    expect(maySubscribe(tasmota, 'cmnd/cab-2/POWER1')).toBe(true);
    expect(maySubscribe(tasmota, 'cmnd/+/POWER1')).toBe(false);
    expect(maySubscribe(tasmota, 'cmnd/tasmotas/#')).toBe(false);
    expect(maySubscribe(tasmota, '#')).toBe(false);
    expect(maySubscribe(tasmota, '$SYS/#')).toBe(false);
    expect(mayReceive(tasmota, 'cmnd/cab-2/Backlog')).toBe(true);
    expect(mayReceive(tasmota, 'cmnd/cab-3/Backlog')).toBe(false);

    const espRfid = acl('esp-rfid-cab-3');
    // Every controller of an esp-rfid site shares TOPIC/cmd: none may publish there.
    expect(mayPublish(espRfid, 'esp-rfid/cab-3/cmd')).toBe(false);
    expect(mayPublish(espRfid, 'esp-rfid/cab-3')).toBe(true);
    expect(mayPublish(espRfid, 'esp-rfid/cab-3/io/lock2')).toBe(true);
    expect(maySubscribe(espRfid, 'esp-rfid/cab-3/cmd')).toBe(true);
    expect(maySubscribe(espRfid, 'esp-rfid/cab-3/#')).toBe(false);

    const esphome = acl('safekeep-cab-1');
    expect(mayPublish(esphome, 'safekeep/cab-1/binary_sensor/door/state')).toBe(true);
    expect(mayPublish(esphome, 'safekeep/cab-4/read')).toBe(false);
    expect(maySubscribe(esphome, 'safekeep/cab-1/lock/lock/command')).toBe(true);
    expect(maySubscribe(esphome, 'safekeep/cab-1/#')).toBe(false);
    expect(maySubscribe(esphome, 'safekeep/shred-1/lock/lock/command')).toBe(false);
  });

  it('matches, covers and intersects filters as MQTT does', () => {
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(filterCovers('a/#', 'a/+/c')).toBe(true);
    expect(filterCovers('a/+', 'a/#')).toBe(false);
    expect(filterCovers('a/+/c', 'a/+/c')).toBe(true);
    expect(filterCovers('a/b', 'a/+')).toBe(false);
    expect(filterCovers('a/b/#', 'a')).toBe(false);
    expect(filtersIntersect('a/+/c', 'a/b/#')).toBe(true);
    expect(filtersIntersect('a/b', 'a/c')).toBe(false);
    expect(filtersIntersect('a', 'a/#')).toBe(true);
  });

  it('checks a topic against a compiled filter set exactly as against each filter in turn', () => {
    const level = fc.constantFrom('a', 'b', 'c', '');
    const filter = fc.tuple(fc.array(fc.oneof(level, fc.constant('+')), { maxLength: 4 }), fc.boolean()).map(([levels, rest]) => [...levels, ...(rest ? ['#'] : [])].join('/'));
    const topic = fc.array(level, { minLength: 1, maxLength: 5 }).map((levels) => levels.join('/'));
    fc.assert(
      fc.property(fc.array(filter.filter((f) => f !== ''), { maxLength: 6 }), fc.array(topic, { minLength: 1, maxLength: 8 }), (filters, topics) => {
        const set = new TopicFilterSet(filters);
        // Each topic asked twice: the second answer is the remembered one.
        for (const t of [...topics, ...topics]) expect(set.matches(t)).toBe(filters.some((f) => topicMatches(f, t)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('stays right when asked about more topics than it remembers', () => {
    const set = new TopicFilterSet(['safekeep/+/ack', 'cmnd/cab-2/#']);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i++) {
        expect(set.matches(`safekeep/b${i}/ack`)).toBe(true);
        expect(set.matches(`safekeep/b${i}/read`)).toBe(false);
      }
    }
    expect(set.matches('cmnd/cab-2/POWER1')).toBe(true);
  });

  it('names boards whose topics overlap, so one could publish as the other', () => {
    expect(aclOverlaps(boards)).toEqual([]);
    const office = demoOffice();
    const nested: OfficeConfig = {
      ...office,
      devices: [...office.devices, { id: 'hall-door', role: 'door_sensor', transport: { type: 'mqtt', firmware: 'esphome', topic: 'safekeep' } }],
    };
    const warnings = aclOverlaps(boardsOf(nested));
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^board safekeep may publish on safekeep\/#, where board safekeep-cab-4 publishes too/)]));
  });
});
