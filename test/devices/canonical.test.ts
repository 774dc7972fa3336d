import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  badgeIndexKeys,
  canonicalCredential,
  credentialMatchKeys,
  credentialsMatch,
  CREDENTIAL_FORMATS,
  type CredentialFormat,
} from '../../devices/credentials/canonical';
import { CREDENTIAL_FORMATS as OFFICE_FORMATS } from '../../server/config/office-schema';
import { credentialSchema } from '../../server/ingest/device-event';
import { check, FUZZ_RUNS, FUZZ_TIMEOUT_MS } from './helpers';

const canon = (raw: string, format: CredentialFormat) => canonicalCredential(raw, format)?.canonical ?? null;

describe('the EM4100 tag 14 008EC793 through every stack (devices.md, top table)', () => {
  // Every path of the table, with the format its reader is configured for.
  const paths: Array<[string, string, CredentialFormat, string]> = [
    ['RDM6300 UART frame data', '14008EC793', 'em4100', '008EC793'],
    ['Tasmota RDM6300 "%08X"', '008EC793', 'hex', '008EC793'],
    ['ESPHome rdm6300 on_tag uint32', '9357203', 'dec10', '008EC793'],
    ['keyboard wedge 8H→10D', '0009357203', 'dec10', '008EC793'],
    ['Wiegand-26 value (ESPHome, Tasmota)', '9357203', 'w26', '8EC793'],
    ['Wiegand-26 facility,card', '142,51091', 'w26', '8EC793'],
    ['keyboard wedge 6H→8D', '09357203', 'dec8', '8EC793'],
    ['keyboard wedge 10H→12D', '085,908,703,123', 'dec12', '008EC793'],
    ['Tasmota Wiegand SetOption123', '8EC793h', 'w26', '8EC793'],
  ];

  it.each(paths)('%s: %s as %s → %s', (_path, raw, format, canonical) => {
    const credential = canonicalCredential(raw, format);
    expect(credential).toEqual({ canonical, raw, format });
    expect(credentialSchema.safeParse(credential).success).toBe(true);
  });

  it.each(paths)('%s matches the badge registered as 008EC793', (_path, raw, format) => {
    const read = canonicalCredential(raw, format);
    expect(read && credentialsMatch(read, '008EC793')).toBe(true);
  });

  it.each(paths)('%s also matches a badge enrolled at a 24-bit reader as 8EC793', (_path, raw, format) => {
    const read = canonicalCredential(raw, format);
    expect(read && credentialsMatch(read, '8EC793')).toBe(true);
  });

  it('does not match a different card, even one sharing its low 24 bits when both ids are whole', () => {
    const full = canonicalCredential('14018EC793', 'em4100');
    expect(full?.canonical).toBe('018EC793');
    expect(credentialsMatch(full!, '008EC793')).toBe(false);
    expect(credentialsMatch(canonicalCredential('9357204', 'w26')!, '008EC793')).toBe(false);
  });

  it('lets a 24-bit read find every badge sharing those bits: the badge store must see the ambiguity', () => {
    const read = canonicalCredential('9357203', 'w26')!;
    expect(credentialsMatch(read, '008EC793')).toBe(true);
    expect(credentialsMatch(read, '018EC793')).toBe(true);
  });
});

describe('canonicalCredential formats', () => {
  it('hex: any case, separators, 0x, 4/7/10-byte UIDs', () => {
    expect(canon('74-10-37-94', 'hex')).toBe('74103794'); // ESPHome format_uid
    expect(canon('0a:1b:2c:3d', 'hex')).toBe('0A1B2C3D');
    expect(canon('a:1b:2c:3d', 'hex')).toBe('0A1B2C3D'); // separators make unpadded bytes safe
    expect(canon('04 A1 B2 C3 D4 E5 80', 'hex')).toBe('04A1B2C3D4E580');
    expect(canon('0x008ec793', 'hex')).toBe('008EC793');
    expect(canon('  008EC793\r\n', 'hex')).toBe('008EC793');
    expect(canon('008EC79', 'hex')).toBeNull(); // odd digit count: not bytes
    expect(canon('00-8E-C7-9G', 'hex')).toBeNull();
    expect(canon('74--10-37', 'hex')).toBeNull();
    expect(canon('00000000', 'hex')).toBeNull(); // a failed read, not a badge
  });

  it('uid-unpadded: recovers bytes only when the reader separated them', () => {
    // esp-rfid pn532Read: String(pnuid[i], HEX) for 0A 1B 2C 3D prints "a1b2c3d".
    expect(canonicalCredential('a1b2c3d', 'uid-unpadded')).toEqual({ canonical: 'A1B2C3D', raw: 'a1b2c3d', format: 'uid-unpadded' });
    expect(canonicalCredential('a:1b:2c:3d', 'uid-unpadded')).toEqual({ canonical: '0A1B2C3D', raw: 'a:1b:2c:3d', format: 'hex' });
    expect(canonicalCredential('zz1b2c', 'uid-unpadded')).toBeNull();
  });

  it('uid-unpadded reads match the badge whose bytes print that way, and only by that key', () => {
    const read = canonicalCredential('a1b2c3d', 'uid-unpadded')!;
    expect(credentialMatchKeys(read)).toEqual(['unpadded:A1B2C3D']);
    expect(credentialsMatch(read, '0A1B2C3D')).toBe(true);
    expect(credentialsMatch(read, 'A1B2C30D')).toBe(true); // the ambiguity itself: both print "a1b2c3d"
    expect(credentialsMatch(read, '0A1B2C3E')).toBe(false);
  });

  it('em4100 needs exactly the 5 bytes and drops the version byte', () => {
    expect(canon('14 00 8E C7 93', 'em4100')).toBe('008EC793');
    expect(canon('01026F6C3A', 'em4100')).toBe('026F6C3A'); // zgznk 10H example
    expect(canon('008EC793', 'em4100')).toBeNull();
  });

  it('the vendor wedge formats of one card agree (zgznk 09A-EMID list, devices.md §1)', () => {
    expect(canon('01026F6C3A', 'em4100')).toBe('026F6C3A');
    expect(canon('004,335,823,930', 'dec12')).toBe('026F6C3A');
    expect(canon('0040856634', 'dec10')).toBe('026F6C3A');
    expect(canon('07,302,202', 'dec8')).toBe('6F6C3A');
    expect(canon('111,27706', 'w26')).toBe('6F6C3A');
    expect(canon('00623,27706', 'pair16')).toBe('026F6C3A');
  });

  it('range checks: each format holds only its bits', () => {
    expect(canon('4294967295', 'dec10')).toBe('FFFFFFFF');
    expect(canon('4294967296', 'dec10')).toBeNull();
    expect(canon('16777216', 'dec8')).toBeNull();
    expect(canon('16777216', 'w26')).toBeNull();
    expect(canon('256,1', 'w26')).toBeNull();
    expect(canon('1,65536', 'w26')).toBeNull();
    expect(canon('1,23,456', 'dec8')).toBeNull(); // not thousands grouping
    expect(canon('4302741608', 'w34')).toBeNull(); // Tasmota's own 34-bit example is 33 bits wide
    expect(canon('0x1FFFFFFFF', 'w34')).toBeNull();
    expect(canon('8ec793', 'w26-hex')).toBe('8EC793'); // esp-rfid wiegandReadHex: String(code, HEX)
    expect(canon('8ec793', 'w34-hex')).toBe('008EC793');
    expect(canon('1008ec793', 'w34-hex')).toBeNull();
    expect(canon('-5', 'dec10')).toBeNull();
    expect(canon('1e3', 'dec10')).toBeNull();
    expect(canon('', 'hex')).toBeNull();
    expect(canon('1'.repeat(201), 'dec10')).toBeNull();
  });

  it('covers every format the office file accepts', () => {
    for (const format of OFFICE_FORMATS) expect(CREDENTIAL_FORMATS).toContain(format);
  });

  it('badgeIndexKeys refuses anything that is not whole bytes', () => {
    expect(badgeIndexKeys('A1B2C3D')).toEqual([]);
    expect(badgeIndexKeys('008ec793')).toEqual([]);
    expect(badgeIndexKeys('008EC793')).toEqual(['id:008EC793', 'low24:8EC793', 'unpadded:08EC793']);
  });
});

describe('canonicalCredential fuzzing', () => {
  const format = fc.constantFrom(...CREDENTIAL_FORMATS);
  const digits = (chars: string, max: number) => fc.string({ unit: fc.constantFrom(...chars), maxLength: max });
  const raw = fc.oneof(
    fc.string({ maxLength: 30 }),
    digits('0123456789abcdefABCDEF', 24),
    digits('0123456789,', 18),
    digits('0123456789abcdef:- xh', 30),
    fc.string({ unit: 'binary', maxLength: 220 }),
  );

  it(
    `never throws, and whatever it returns is a valid credential (${FUZZ_RUNS} inputs)`,
    () => {
      fc.assert(
        fc.property(raw, format, (text, f) => {
          const credential = canonicalCredential(text, f);
          if (credential === null) return;
          check(credentialSchema.safeParse(credential).success, () => `invalid ${JSON.stringify(credential)}`);
          check(credential.raw === text.trim(), () => `raw changed: ${JSON.stringify(credential)}`);
          for (const key of credentialMatchKeys(credential)) check(/^(id|low24|unpadded):[0-9A-F]+$/.test(key), () => key);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    `every way of printing a card resolves to a key of that card (${FUZZ_RUNS} cards)`,
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 0, max: 255 }), (tag, version) => {
          const hex = tag.toString(16).toUpperCase().padStart(8, '0');
          const low24 = tag % 0x1000000;
          const bytesOf = hex.match(/../g) ?? [];
          const printed: Array<[string, CredentialFormat]> = [
            [hex, 'hex'],
            [bytesOf.join('-').toLowerCase(), 'hex'],
            [version.toString(16).padStart(2, '0') + hex, 'em4100'],
            [String(version * 2 ** 32 + tag).padStart(12, '0'), 'dec12'],
            [String(tag).padStart(10, '0'), 'dec10'],
            [String(tag), 'w34'],
            [`${tag.toString(16)}h`, 'w34'],
            [tag.toString(16), 'w34-hex'],
            [`${Math.floor(tag / 0x10000)},${tag % 0x10000}`, 'pair16'],
            [bytesOf.map((b) => Number.parseInt(b, 16).toString(16)).join(''), 'uid-unpadded'],
          ];
          if (low24 > 0) {
            printed.push([String(low24).padStart(8, '0'), 'dec8'], [String(low24), 'w26'], [`${low24 >> 16},${low24 & 0xffff}`, 'w26']);
          }
          for (const [text, f] of printed) {
            const read = canonicalCredential(text, f);
            check(read !== null && credentialsMatch(read, hex), () => `${text} as ${f} does not find ${hex}`);
          }
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
