import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryTypes } from 'sequelize';
import { dialectsUnderTest } from '../support/databases';
import { authFixture, type AuthFixture } from './auth-fixture';
import { setupLink, SETUP_TOKEN_TTL_MS } from '../../server/auth/setup-tokens';

const dialects = await dialectsUnderTest();

describe.each(dialects)('first-admin set-up link on %s', (dialect) => {
  let f: AuthFixture;
  beforeEach(async () => {
    f = await authFixture(dialect);
  });
  afterEach(async () => f.close());

  it('is valid for one hour', async () => {
    const { token, expiresAt } = await f.setup.issue();
    expect(SETUP_TOKEN_TTL_MS).toBe(60 * 60_000);
    expect(expiresAt.getTime() - f.clock.now().getTime()).toBe(SETUP_TOKEN_TTL_MS);
    expect(await f.setup.isValid(token)).toBe(true);
    f.clock.advance(SETUP_TOKEN_TTL_MS);
    expect(await f.setup.isValid(token)).toBe(false);
    expect(await f.setup.consume(token)).toBe(false);
  });

  it('can be used once', async () => {
    const { token } = await f.setup.issue();
    expect(await f.setup.consume(token)).toBe(true);
    expect(await f.setup.consume(token)).toBe(false);
    expect(await f.setup.isValid(token)).toBe(false);
  });

  it('is used by exactly one of several racing requests', async () => {
    const { token } = await f.setup.issue();
    const results = await Promise.all(Array.from({ length: 6 }, () => f.setup.consume(token)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('is voided by a newer link', async () => {
    const first = await f.setup.issue();
    const second = await f.setup.issue();
    expect(await f.setup.isValid(first.token)).toBe(false);
    expect(await f.setup.consume(second.token)).toBe(true);
  });

  it('stays unused when the job that creates the admin fails', async () => {
    const { token } = await f.setup.issue();
    await expect(
      f.writer.submit({
        run: async (ctx) => {
          expect(await f.setup.consume(token, { transaction: ctx.transaction })).toBe(true);
          throw new Error('admin creation failed');
        },
      }),
    ).rejects.toThrow(/admin creation failed/);
    expect(await f.setup.isValid(token)).toBe(true);
  });

  it('is stored only as a hash', async () => {
    const { token } = await f.setup.issue();
    const rows = await f.db.sequelize.query<Record<string, unknown>>('SELECT * FROM setup_tokens', { type: QueryTypes.SELECT });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('refuses junk without a lookup error', async () => {
    expect(await f.setup.consume('')).toBe(false);
    expect(await f.setup.consume({ token: 1 })).toBe(false);
    expect(await f.setup.isValid('x'.repeat(43))).toBe(false);
  });
});

describe('set-up link', () => {
  it('carries the token in the fragment, which browsers never send to a server', () => {
    const token = 'A'.repeat(43);
    const link = setupLink('https://safekeep.office.lan:8443', token);
    expect(link).toBe(`https://safekeep.office.lan:8443/setup#token=${token}`);
    expect(new URL(link).search).toBe('');
  });
});
