import { createHash, randomBytes } from 'node:crypto';

/**
 * Salted commitments to personal or free-text facts that must not enter the custody log (a
 * destruction operator's name, a hold's reason). The log holds only the commitment; the value and
 * its salt stay in the database. Whoever holds both can prove the log entry was about that value;
 * once they are erased, the commitment says nothing, and no dictionary of names can reverse it.
 *
 *   commitment = hex(SHA-256("safekeep/commitment/v1\n" + label + "\n" + hex(salt) + "\n" + NFC(value)))
 */

const PREFIX = 'safekeep/commitment/v1\n';

export function commitmentOf(label: string, value: string, saltHex: string): string {
  return createHash('sha256').update(`${PREFIX}${label}\n${saltHex}\n${value.normalize('NFC')}`, 'utf8').digest('hex');
}

export function commit(label: string, value: string, salt: Buffer = randomBytes(16)): { salt: string; commitment: string } {
  const saltHex = salt.toString('hex');
  return { salt: saltHex, commitment: commitmentOf(label, value, saltHex) };
}
