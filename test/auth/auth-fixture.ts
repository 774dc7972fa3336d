import { defineAuthModels } from '../../server/auth/auth-models';
import { SessionStore } from '../../server/auth/sessions';
import { SetupTokens } from '../../server/auth/setup-tokens';
import { UserStore } from '../../server/auth/users';
import { silentLogger } from '../../server/shared/logger';
import type { TestDialect } from '../support/databases';
import { writerFixture, type WriterFixture } from '../support/writer-fixture';

export interface AuthFixture extends WriterFixture {
  sessions: SessionStore;
  users: UserStore;
  setup: SetupTokens;
}

/** A migrated database (0002-auth included) with the auth stores on the fixture's manual clock. */
export async function authFixture(dialect: TestDialect): Promise<AuthFixture> {
  const f = await writerFixture(dialect);
  defineAuthModels(f.db.sequelize);
  const sessions = new SessionStore({ clock: f.clock, logger: silentLogger });
  return { ...f, sessions, users: new UserStore({ clock: f.clock, sessions }), setup: new SetupTokens({ clock: f.clock }) };
}

/** A stand-in for an argon2id hash: these tests are about rows, not hashing. */
export const FAKE_HASH = '$argon2id$v=19$m=65536,p=1,t=3$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA';
