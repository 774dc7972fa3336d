import type { CustodyWriter } from '../ingest/custody-writer';
import { DomainError } from '../domain/records-service';
import type { UserRole } from './accounts';
import { authEvent } from './audit-events';
import type { User } from './auth-models';
import type { AuthServices } from './auth-services';
import { checkPassword, describeRefusal } from './password-policy';

export type NewAccount =
  | { kind: 'person'; username: string; password: string; role: UserRole; personId?: string | null }
  | { kind: 'kiosk'; username: string; password: string };

/**
 * Creates a sign-in account: the password is checked against the policy and the breached list and
 * hashed before the writer job (argon2 must not hold the single writer), then the account and its
 * `user.created` entry commit together. With a set-up token it is the first admin, once.
 */
export async function provisionAccount(
  auth: AuthServices,
  writer: CustodyWriter,
  input: NewAccount & { by: string; setupToken?: string },
): Promise<User> {
  const verdict = checkPassword(input.password, { breached: auth.breached, context: [input.username] });
  if (!verdict.ok) throw new DomainError('password', verdict.reasons.map(describeRefusal).join(' '));
  if (await auth.users.findByUsername(input.username)) throw new DomainError('username', `${input.username} is taken`, 409);
  const passwordHash = await auth.hasher.hash(input.password);
  const outcome = await writer.submit({
    run: async (ctx) => {
      const { transaction } = ctx;
      if (input.setupToken !== undefined) {
        if (!(await auth.setup.consume(input.setupToken, { transaction }))) throw new DomainError('token', 'this set-up link is not valid any more', 403);
        if (await auth.users.hasActiveAdmin({ transaction })) throw new DomainError('token', 'an administrator already exists', 409);
      }
      const user = await auth.users.create(
        input.kind === 'kiosk'
          ? { kind: 'kiosk', username: input.username, passwordHash }
          : { kind: 'person', username: input.username, passwordHash, role: input.role, personId: input.personId ?? null },
        { transaction },
      );
      const type = input.setupToken !== undefined ? 'user.setup_completed' : 'user.created';
      await ctx.append(authEvent(type, { actor: input.setupToken !== undefined ? user.pseudonym : input.by, subject: user.pseudonym, reason: user.role }));
      return user;
    },
  });
  if (outcome.duplicate) throw new Error('internal: account creation has no idempotency key');
  return outcome.value;
}
