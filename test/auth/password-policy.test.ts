import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BreachedPasswords, DEFAULT_BREACHED_LIST, loadBreachedPasswords } from '../../server/auth/breached-passwords';
import { checkPassword, describeRefusal, passwordLength, PASSWORD_MAX_LENGTH } from '../../server/auth/password-policy';

const breached = await loadBreachedPasswords();
const policy = { breached };

describe('shipped breached-password list', () => {
  it('holds thousands of common passwords, lowercase, one per line, none repeated', () => {
    const lines = readFileSync(DEFAULT_BREACHED_LIST, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10_000);
    expect(new Set(lines).size).toBe(lines.length);
    for (const line of lines) {
      expect(line).toBe(line.toLowerCase().normalize('NFKC').trim());
      expect(passwordLength(line)).toBeGreaterThanOrEqual(8);
    }
    expect(breached.size).toBe(lines.length);
  });

  it('contains the passwords every top-common list starts with', () => {
    for (const pw of ['password', '12345678', '123456789', 'qwertyuiop', 'iloveyou', 'sunshine', 'football', 'baseball', 'trustno1', 'password1', '1q2w3e4r', 'superman']) {
      expect(breached.has(pw), pw).toBe(true);
    }
  });

  it('matches case-insensitively', () => {
    expect(breached.has('PassWord')).toBe(true);
    expect(breached.has('QWERTYUIOP')).toBe(true);
  });

  it('refuses an empty list file rather than silently checking nothing', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'safekeep-list-')), 'empty.txt');
    writeFileSync(file, '\n\n');
    await expect(loadBreachedPasswords(file)).rejects.toThrow(/empty/);
  });

  it('builds from text, ignoring blank lines and surrounding space', () => {
    const list = BreachedPasswords.fromText('  Hunter22 \r\n\r\nletmein99\n');
    expect(list.size).toBe(2);
    expect(list.has('hunter22')).toBe(true);
    expect(list.has('LETMEIN99')).toBe(true);
  });
});

describe('password policy', () => {
  it('accepts 8 to 128 characters with no composition rules', () => {
    expect(checkPassword('plumcactus', policy)).toEqual({ ok: true, reasons: [] });
    expect(checkPassword('all lowercase words here', policy).ok).toBe(true);
    expect(checkPassword('x'.repeat(7) + 'y', policy).ok).toBe(true);
    expect(checkPassword('z'.repeat(PASSWORD_MAX_LENGTH), policy).ok).toBe(true);
  });

  it('refuses fewer than 8 and more than 128 code points', () => {
    expect(checkPassword('short1!', policy)).toEqual({ ok: false, reasons: ['too_short'] });
    expect(checkPassword('z'.repeat(PASSWORD_MAX_LENGTH + 1), policy).reasons).toContain('too_long');
    expect(checkPassword('a'.repeat(100_000), policy)).toEqual({ ok: false, reasons: ['too_long'] });
  });

  it('counts Unicode code points after NFKC, not UTF-16 units', () => {
    // 4 emoji are 8 UTF-16 units but 4 characters.
    const emoji = '🔒📁🗄️🔑';
    expect(emoji.length).toBeGreaterThanOrEqual(8);
    expect(checkPassword(emoji, policy).reasons).toContain('too_short');
    expect(checkPassword('🔒📁🔑🗝📂📜🖋⚖', policy).ok).toBe(true);
    // NFKC folds the ligature "ﬃ" (one code point) into "ffi" (three).
    expect(passwordLength('ﬃ')).toBe(3);
    // Full-width letters fold to ASCII, so they cannot dodge the breached list.
    expect(checkPassword('ｐａｓｓｗｏｒｄ', policy).reasons).toContain('breached');
  });

  it('refuses commonly breached passwords whatever their case', () => {
    expect(checkPassword('password', policy)).toEqual({ ok: false, reasons: ['breached'] });
    expect(checkPassword('Password1', policy).reasons).toContain('breached');
    expect(checkPassword('IloveYou', policy).reasons).toContain('breached');
  });

  it('refuses the username, the product name, and those with digits or symbols tacked on', () => {
    const context = { breached, context: ['j.smithson'] };
    expect(checkPassword('j.smithson', context).reasons).toContain('context');
    expect(checkPassword('J.Smithson2024!', context).reasons).toContain('context');
    expect(checkPassword('safekeep', context).reasons).toContain('context');
    expect(checkPassword('Safekeep123', context).reasons).toContain('context');
    expect(checkPassword('j.smithson likes plums', context).ok).toBe(true);
  });

  it('refuses lone surrogates, which would collide once encoded', () => {
    expect(checkPassword('abcdefgh\uD800', policy)).toEqual({ ok: false, reasons: ['malformed'] });
  });

  it('lists every reason at once', () => {
    expect(checkPassword('safe', { breached, context: ['safe'] }).reasons).toEqual(['too_short', 'context']);
    // Context words under 4 letters are ignored, or "al" would refuse every phrase containing it.
    expect(checkPassword('al!!!!!!', { breached, context: ['al'] }).ok).toBe(true);
    const both = checkPassword('safekeep', { breached: BreachedPasswords.fromText('safekeep') });
    expect(both.reasons).toEqual(['breached', 'context']);
  });

  it('explains each refusal in words', () => {
    for (const reason of ['too_short', 'too_long', 'breached', 'context', 'malformed'] as const) {
      expect(describeRefusal(reason).length).toBeGreaterThan(10);
    }
  });
});
