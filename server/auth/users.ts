import { Op, type Transaction } from 'sequelize';
import { timeOrderedId } from '../shared/time-ordered-id';
import type { Clock } from '../shared/clock';
import { isUserRole, isValidUsername, KIOSK_ROLE, normalizeUsername, type UserRole } from './accounts';
import { User } from './auth-models';
import { newUserPseudonym } from './pseudonyms';
import type { SessionStore } from './sessions';

/**
 * User rows and the changes whose side effects must not be forgotten: a new password or a
 * disabled account ends every session of that user in the same transaction, and a TOTP step is
 * claimed atomically so one code can never be used twice, even by two requests at once.
 *
 * Hashing and the password policy happen before these calls (passwords.ts, password-policy.ts);
 * custody-log entries are appended by the caller's writer job, whose transaction is passed in.
 */

interface InTransaction {
  transaction?: Transaction;
}

export type NewUser =
  | { kind: 'person'; username: string; passwordHash: string; role: UserRole; personId?: string | null }
  | { kind: 'kiosk'; username: string; passwordHash: string };

export class UserStore {
  constructor(private readonly deps: { clock: Clock; sessions: SessionStore }) {}

  async create(input: NewUser, options: InTransaction = {}): Promise<User> {
    if (!isValidUsername(input.username)) throw new Error('username: 2 to 64 letters, digits and . _ @ -');
    if (input.kind === 'person' && !isUserRole(input.role)) throw new Error(`role: ${String(input.role)} cannot log in`);
    return User.create(
      {
        id: timeOrderedId(),
        person_id: input.kind === 'person' ? (input.personId ?? null) : null,
        username: normalizeUsername(input.username),
        pseudonym: newUserPseudonym(),
        password_hash: input.passwordHash,
        role: input.kind === 'person' ? input.role : KIOSK_ROLE,
        kind: input.kind,
        password_changed_at: this.deps.clock.now(),
      },
      { transaction: options.transaction },
    );
  }

  async findByUsername(username: string, options: InTransaction = {}): Promise<User | null> {
    return User.findOne({ where: { username: normalizeUsername(username) }, transaction: options.transaction });
  }

  /** Every account, by username: for the administrators' list. */
  async list(): Promise<User[]> {
    return User.findAll({ order: [['username', 'ASC']] });
  }

  async findById(id: string, options: InTransaction = {}): Promise<User | null> {
    return User.findByPk(id, { transaction: options.transaction });
  }

  /** Whether an enabled admin exists. False on a fresh install: print the set-up link. */
  async hasActiveAdmin(options: InTransaction = {}): Promise<boolean> {
    return (await User.count({ where: { role: 'admin', kind: 'person', disabled: false }, transaction: options.transaction })) > 0;
  }

  /** A new password chosen by the user or set by an admin: every session of the user ends. */
  async changePassword(userId: string, passwordHash: string, options: InTransaction = {}): Promise<void> {
    await this.updateOne(userId, { password_hash: passwordHash, password_changed_at: this.deps.clock.now() }, options);
    await this.deps.sessions.revokeAllForUser(userId, options);
  }

  /**
   * The same password under new argon2 parameters (PasswordHasher.needsRehash after a login): not
   * a password change, so sessions and password_changed_at stay.
   */
  async upgradeHash(userId: string, passwordHash: string, options: InTransaction = {}): Promise<void> {
    await this.updateOne(userId, { password_hash: passwordHash }, options);
  }

  async setDisabled(userId: string, disabled: boolean, options: InTransaction = {}): Promise<void> {
    await this.updateOne(userId, { disabled }, options);
    if (disabled) await this.deps.sessions.revokeAllForUser(userId, options);
  }

  /** Starts (re-)enrolment. A confirmed secret in use stays in force until the new one is confirmed. */
  async setPendingTotpSecret(userId: string, secret: string, options: InTransaction = {}): Promise<void> {
    await this.updateOne(userId, { totp_pending_secret: secret }, options);
  }

  /**
   * The user typed a valid code from the pending secret (verified by the caller with
   * lastUsedStep = null, since the secret is new): it becomes the secret in force, and `step` its
   * first used step. False if the pending secret changed meanwhile.
   */
  async confirmTotp(userId: string, pendingSecret: string, step: number, options: InTransaction = {}): Promise<boolean> {
    const [count] = await User.update(
      {
        totp_secret: pendingSecret,
        totp_pending_secret: null,
        totp_confirmed_at: this.deps.clock.now(),
        totp_last_step: step,
      },
      { where: { id: userId, totp_pending_secret: pendingSecret }, transaction: options.transaction },
    );
    return count === 1;
  }

  /**
   * Claims a verified TOTP step: succeeds only if it is later than the last one stored. This
   * compare-and-set, not the read before verifying, is what stops two concurrent requests from
   * both using one code.
   */
  async acceptTotpStep(userId: string, step: number, options: InTransaction = {}): Promise<boolean> {
    const [count] = await User.update(
      { totp_last_step: step },
      {
        where: { id: userId, totp_confirmed_at: { [Op.ne]: null }, [Op.or]: [{ totp_last_step: null }, { totp_last_step: { [Op.lt]: step } }] },
        transaction: options.transaction,
      },
    );
    return count === 1;
  }

  /** An admin resets a lost authenticator: the user enrols again at the next login. */
  async resetTotp(userId: string, options: InTransaction = {}): Promise<void> {
    await this.updateOne(userId, { totp_secret: null, totp_pending_secret: null, totp_confirmed_at: null, totp_last_step: null }, options);
    await this.deps.sessions.revokeAllForUser(userId, options);
  }

  private async updateOne(userId: string, values: Partial<User['_attributes']>, options: InTransaction): Promise<void> {
    const [count] = await User.update(values, { where: { id: userId }, transaction: options.transaction });
    if (count !== 1) throw new Error(`user ${userId} not found`);
  }
}
