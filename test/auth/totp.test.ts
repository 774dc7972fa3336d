import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base32Decode, base32Encode } from '../../server/auth/base32';
import { dynamicTruncate, hotp, timeStep, totp, verifyTotp, type TotpAlgorithm } from '../../server/auth/totp';

/** RFC 4226 Appendix D: secret "12345678901234567890" (ASCII), counters 0..9. */
const RFC4226_SECRET = Buffer.from('12345678901234567890', 'ascii');
const RFC4226_VECTORS = [
  { counter: 0, hmac: 'cc93cf18508d94934c64b65d8ba7667fb7cde4b0', truncated: 1284755224, hotp: '755224' },
  { counter: 1, hmac: '75a48a19d4cbe100644e8ac1397eea747a2d33ab', truncated: 1094287082, hotp: '287082' },
  { counter: 2, hmac: '0bacb7fa082fef30782211938bc1c5e70416ff44', truncated: 137359152, hotp: '359152' },
  { counter: 3, hmac: '66c28227d03a2d5529262ff016a1e6ef76557ece', truncated: 1726969429, hotp: '969429' },
  { counter: 4, hmac: 'a904c900a64b35909874b33e61c5938a8e15ed1c', truncated: 1640338314, hotp: '338314' },
  { counter: 5, hmac: 'a37e783d7b7233c083d4f62926c7a25f238d0316', truncated: 868254676, hotp: '254676' },
  { counter: 6, hmac: 'bc9cd28561042c83f219324d3c607256c03272ae', truncated: 1918287922, hotp: '287922' },
  { counter: 7, hmac: 'a4fb960c0bc06e1eabb804e5b397cdc4b45596fa', truncated: 82162583, hotp: '162583' },
  { counter: 8, hmac: '1b3c89f65e6c9e883012052823443f048b4332db', truncated: 673399871, hotp: '399871' },
  { counter: 9, hmac: '1637409809a679dc698207310c8c7fc07290d9e5', truncated: 645520489, hotp: '520489' },
];

/** RFC 6238 Appendix B: the seed for each mode is "1234567890" repeated to the hash's length. */
const RFC6238_SEEDS: Record<TotpAlgorithm, Buffer> = {
  SHA1: Buffer.from('12345678901234567890', 'ascii'),
  SHA256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
};
const RFC6238_VECTORS: { time: number; step: string; algorithm: TotpAlgorithm; totp: string }[] = [
  { time: 59, step: '0000000000000001', algorithm: 'SHA1', totp: '94287082' },
  { time: 59, step: '0000000000000001', algorithm: 'SHA256', totp: '46119246' },
  { time: 59, step: '0000000000000001', algorithm: 'SHA512', totp: '90693936' },
  { time: 1111111109, step: '00000000023523EC', algorithm: 'SHA1', totp: '07081804' },
  { time: 1111111109, step: '00000000023523EC', algorithm: 'SHA256', totp: '68084774' },
  { time: 1111111109, step: '00000000023523EC', algorithm: 'SHA512', totp: '25091201' },
  { time: 1111111111, step: '00000000023523ED', algorithm: 'SHA1', totp: '14050471' },
  { time: 1111111111, step: '00000000023523ED', algorithm: 'SHA256', totp: '67062674' },
  { time: 1111111111, step: '00000000023523ED', algorithm: 'SHA512', totp: '99943326' },
  { time: 1234567890, step: '000000000273EF07', algorithm: 'SHA1', totp: '89005924' },
  { time: 1234567890, step: '000000000273EF07', algorithm: 'SHA256', totp: '91819424' },
  { time: 1234567890, step: '000000000273EF07', algorithm: 'SHA512', totp: '93441116' },
  { time: 2000000000, step: '0000000003F940AA', algorithm: 'SHA1', totp: '69279037' },
  { time: 2000000000, step: '0000000003F940AA', algorithm: 'SHA256', totp: '90698825' },
  { time: 2000000000, step: '0000000003F940AA', algorithm: 'SHA512', totp: '38618901' },
  { time: 20000000000, step: '0000000027BC86AA', algorithm: 'SHA1', totp: '65353130' },
  { time: 20000000000, step: '0000000027BC86AA', algorithm: 'SHA256', totp: '77737706' },
  { time: 20000000000, step: '0000000027BC86AA', algorithm: 'SHA512', totp: '47863826' },
];

describe('HOTP (RFC 4226 Appendix D)', () => {
  it.each(RFC4226_VECTORS)('counter $counter: HMAC, truncation and value', (v) => {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(v.counter));
    const mac = createHmac('sha1', RFC4226_SECRET).update(counter).digest();
    expect(mac.toString('hex')).toBe(v.hmac);
    expect(dynamicTruncate(mac)).toBe(v.truncated);
    expect(hotp(RFC4226_SECRET, v.counter)).toBe(v.hotp);
  });
});

describe('TOTP (RFC 6238 Appendix B)', () => {
  it.each(RFC6238_VECTORS)('$algorithm at T=$time', (v) => {
    expect(timeStep(v.time * 1000).toString(16).toUpperCase().padStart(16, '0')).toBe(v.step);
    expect(totp(RFC6238_SEEDS[v.algorithm], v.time * 1000, { algorithm: v.algorithm, digits: 8 })).toBe(v.totp);
  });

  it('verifies every Appendix B vector through verifyTotp and its base32 secret', () => {
    for (const v of RFC6238_VECTORS) {
      const secret = base32Encode(RFC6238_SEEDS[v.algorithm]);
      const result = verifyTotp(secret, v.totp, new Date(v.time * 1000), null, { algorithm: v.algorithm, digits: 8 });
      expect(result).toEqual({ ok: true, step: parseInt(v.step, 16) });
    }
  });

  it('gives 6-digit codes by default, as the low 6 digits of the 8-digit value', () => {
    expect(totp(RFC6238_SEEDS.SHA1, 59_000)).toBe('287082');
  });
});

describe('verifyTotp', () => {
  const key = RFC6238_SEEDS.SHA1;
  const secret = base32Encode(key);
  const now = new Date(1_700_000_000_000);
  const step = timeStep(now);
  const codeAt = (s: number) => hotp(key, s);

  it('accepts the current code and the codes one step either side, and nothing further', () => {
    expect(verifyTotp(secret, codeAt(step), now, null)).toEqual({ ok: true, step });
    expect(verifyTotp(secret, codeAt(step - 1), now, null)).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, codeAt(step + 1), now, null)).toEqual({ ok: true, step: step + 1 });
    expect(verifyTotp(secret, codeAt(step - 2), now, null)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(verifyTotp(secret, codeAt(step + 2), now, null)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses a code already used, and any code from the same or an earlier step', () => {
    const first = verifyTotp(secret, codeAt(step), now, null);
    expect(first.ok).toBe(true);
    const last = first.step!;
    expect(verifyTotp(secret, codeAt(step), now, last)).toEqual({ ok: false, step: null, reason: 'replayed' });
    expect(verifyTotp(secret, codeAt(step - 1), now, last)).toEqual({ ok: false, step: null, reason: 'replayed' });
    // Still refused 29 s later, within the same window.
    expect(verifyTotp(secret, codeAt(step), new Date(now.getTime() + 29_000), last).ok).toBe(false);
    // The next step's code is fine.
    expect(verifyTotp(secret, codeAt(step + 1), now, last)).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses malformed codes and secrets without throwing', () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６']) {
      expect(verifyTotp(secret, code, now, null)).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(verifyTotp('not base32!', codeAt(step), now, null)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('tolerates spaces typed inside the code', () => {
    const code = codeAt(step);
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now, null).ok).toBe(true);
  });

  it('honours SHA-256, SHA-512 and 8 digits', () => {
    for (const algorithm of ['SHA256', 'SHA512'] as const) {
      const k = RFC6238_SEEDS[algorithm];
      const code = totp(k, now, { algorithm, digits: 8 });
      expect(verifyTotp(base32Encode(k), code, now, null, { algorithm, digits: 8 })).toEqual({ ok: true, step });
      expect(verifyTotp(base32Encode(k), code, now, null, { algorithm: 'SHA1', digits: 8 }).ok).toBe(false);
    }
  });
});

describe('base32 (RFC 4648)', () => {
  it('matches the RFC 4648 §10 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    }
    expect(base32Decode('MZXW6YTBOI======').toString()).toBe('foobar');
  });

  it('decodes what people type: lowercase, spaces, hyphens', () => {
    expect(base32Decode('mzxw 6ytb-oi').toString()).toBe('foobar');
  });

  it('refuses invalid characters and truncated input', () => {
    expect(() => base32Decode('MZXW1')).toThrow(/invalid character/);
    expect(() => base32Decode('M')).toThrow(/invalid length/);
    expect(() => base32Decode('MZ')).toThrow(/trailing bits/);
  });

  it('round-trips any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => base32Decode(base32Encode(bytes)).equals(Buffer.from(bytes))));
  });
});
