import type { Database } from '../db/connect';
import type { CustodyWriter } from '../ingest/custody-writer';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { defineAuthModels } from './auth-models';
import { loadBreachedPasswords, type BreachedPasswords } from './breached-passwords';
import { CsrfTokens } from './csrf';
import { LoginService } from './login-service';
import { PasswordHasher } from './passwords';
import { AuthPseudonyms } from './pseudonyms';
import { deriveAuthKeys, loadOrCreateAuthKey } from './secrets';
import { SessionStore } from './sessions';
import { SetupTokens } from './setup-tokens';
import { UserStore } from './users';

/** Everything sign-in needs, built once at start from the data directory's auth key. */
export interface AuthServices {
  users: UserStore;
  sessions: SessionStore;
  setup: SetupTokens;
  login: LoginService;
  hasher: PasswordHasher;
  breached: BreachedPasswords;
  csrf: CsrfTokens;
  pseudonyms: AuthPseudonyms;
  /** Cookies get Secure and the __Host- prefix when the server speaks TLS. */
  secure: boolean;
}

export async function createAuthServices(deps: {
  db: Database;
  writer: CustodyWriter;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  secure?: boolean;
}): Promise<AuthServices> {
  defineAuthModels(deps.db.sequelize);
  const keys = deriveAuthKeys(await loadOrCreateAuthKey(deps.dataDir));
  const sessions = new SessionStore({ clock: deps.clock, logger: deps.logger });
  const users = new UserStore({ clock: deps.clock, sessions });
  const hasher = new PasswordHasher();
  const pseudonyms = new AuthPseudonyms(keys.pseudonym);
  return {
    users,
    sessions,
    setup: new SetupTokens({ clock: deps.clock }),
    login: new LoginService({ writer: deps.writer, users, sessions, hasher, pseudonyms, clock: deps.clock, logger: deps.logger }),
    hasher,
    breached: await loadBreachedPasswords(),
    csrf: new CsrfTokens(keys.csrf),
    pseudonyms,
    secure: deps.secure ?? false,
  };
}
