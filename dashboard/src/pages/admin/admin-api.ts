/**
 * The administration API as the administration pages use it (server/api/routes/admin.ts,
 * disposal.ts for retention and holds, visitors.ts for the visitor NDA). Types come from the
 * server's schemas with `import type`, so nothing of the server ends up in the bundle.
 */
import type { z } from 'zod';
import { apiJson } from '../../api/client';
import type { PersonJson } from '../../api/types';
import type { accessGroupSchema, badgeSchema, policyVersionSchema, wallSchema } from '../../../../server/api/routes/admin';
import type { userSchema } from '../../../../server/api/routes/auth';
import type { classSchema, holdSchema } from '../../../../server/api/routes/disposal';
import type { HoldInput, HoldReleaseInput, RetentionClassInput, RetentionClassPatch } from '../../../../server/disposal/schemas';
import type { CREDENTIAL_FORMATS, WEEKDAYS } from '../../../../server/config/office-schema';
import type { ROLES } from '../../../../server/db/models';
import type { RETENTION_TRIGGERS } from '../../../../server/disposal/retention';

export type BadgeJson = z.infer<typeof badgeSchema>;
export type AccountJson = z.infer<typeof userSchema>;
export type AccessGroupJson = z.infer<typeof accessGroupSchema>;
export type WallJson = z.infer<typeof wallSchema>;
export type PolicyVersionJson = z.infer<typeof policyVersionSchema>;
export type RetentionClassJson = z.infer<typeof classSchema>;
export type HoldJson = z.infer<typeof holdSchema>;
export type PersonRole = (typeof ROLES)[number];
export type Weekday = (typeof WEEKDAYS)[number];
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];
export type RetentionTrigger = (typeof RETENTION_TRIGGERS)[number];

export const PERSON_ROLES: readonly { value: PersonRole; label: string }[] = [
  { value: 'staff', label: 'Staff' },
  { value: 'manager', label: 'Manager' },
  { value: 'admin', label: 'Administrator' },
  { value: 'reception', label: 'Reception' },
  { value: 'vendor', label: 'Vendor (shredding contractor)' },
];
export const roleLabel = (role: string) => PERSON_ROLES.find((r) => r.value === role)?.label ?? role;
/** People as the options of a drop-down: the id sent, the name shown. */
export const personChoices = (people: readonly PersonJson[]) => people.map((p) => ({ value: p.id, label: p.name }));

export const WEEKDAY_LABELS: readonly { value: Weekday; label: string }[] = [
  { value: 'mon', label: 'Monday' },
  { value: 'tue', label: 'Tuesday' },
  { value: 'wed', label: 'Wednesday' },
  { value: 'thu', label: 'Thursday' },
  { value: 'fri', label: 'Friday' },
  { value: 'sat', label: 'Saturday' },
  { value: 'sun', label: 'Sunday' },
];

export const BADGE_FORMATS: readonly { value: CredentialFormat; label: string }[] = [
  { value: 'hex', label: 'Hexadecimal (as most readers show it)' },
  { value: 'dec10', label: '10-digit decimal (printed on many cards)' },
  { value: 'dec8', label: '8-digit decimal' },
  { value: 'w26', label: 'Wiegand 26' },
  { value: 'w34', label: 'Wiegand 34' },
  { value: 'em4100', label: 'EM4100' },
  { value: 'uid-unpadded', label: 'UID without leading zeros' },
];

export const TRIGGERS: readonly { value: RetentionTrigger; label: string }[] = [
  { value: 'matter_closed', label: 'after the matter is closed' },
  { value: 'created', label: 'after the file was created' },
];

const enc = encodeURIComponent;
const post = <T>(path: string, body?: unknown) => apiJson<T>(path, { method: 'POST', ...(body === undefined ? {} : { body }) });

export const adminApi = {
  people: (signal?: AbortSignal) => apiJson<{ people: PersonJson[] }>('/api/v1/people', { signal }),
  addPerson: (person: { name: string; email?: string; role: PersonRole }) => post<PersonJson>('/api/v1/people', person),
  updatePerson: (id: string, change: { role?: PersonRole; active?: boolean; valid_from?: string | null; valid_until?: string | null }) =>
    apiJson<PersonJson>(`/api/v1/people/${enc(id)}`, { method: 'PATCH', body: change }),

  /** POST /api/v1/users: user administration, so re-authentication applies. */
  createAccount: (account: { kind: 'person'; username: string; password: string; role: string; person_id: string }) =>
    post<{ id: string; username: string; role: string }>('/api/v1/users', account),
  accounts: (signal?: AbortSignal) => apiJson<{ users: AccountJson[] }>('/api/v1/users', { signal }),
  disableAccount: (id: string) => post<{ disabled: true }>(`/api/v1/users/${enc(id)}/disable`),
  enableAccount: (id: string) => post<{ enabled: true }>(`/api/v1/users/${enc(id)}/enable`),

  badges: (person: string, signal?: AbortSignal) => apiJson<{ badges: BadgeJson[] }>('/api/v1/badges', { query: { person }, signal }),
  issueBadge: (person: string, badge: string, format: CredentialFormat) => post<{ id: string; canonical: string }>(`/api/v1/people/${enc(person)}/badges`, { badge, format }),
  revokeBadge: (id: string) => post<{ revoked: true }>(`/api/v1/badges/${enc(id)}/revoke`),

  accessGroups: (signal?: AbortSignal) => apiJson<{ groups: AccessGroupJson[]; cabinets: { id: string; name: string }[] }>('/api/v1/access-groups', { signal }),
  addGroup: (name: string) => post<{ id: string }>('/api/v1/access-groups', { name }),
  setMember: (group: string, person: string, member: boolean) =>
    apiJson<{ member: boolean }>(`/api/v1/access-groups/${enc(group)}/members/${enc(person)}`, { method: member ? 'PUT' : 'DELETE' }),
  addRule: (group: string, rule: { cabinet: string; days: Weekday[]; from?: string; to?: string }) => post<{ id: string }>(`/api/v1/access-groups/${enc(group)}/rules`, rule),

  walls: (signal?: AbortSignal) => apiJson<{ walls: WallJson[] }>('/api/v1/ethical-walls', { signal }),
  addWall: (wall: { person_id: string; client: string; matter?: string; reason: string }) => post<{ id: string }>('/api/v1/ethical-walls', wall),

  policyVersions: (signal?: AbortSignal) => apiJson<{ versions: PolicyVersionJson[] }>('/api/v1/policy-versions', { signal }),
  publishPolicy: (title: string, text: string) => post<{ version: number }>('/api/v1/policy-versions', { title, text }),

  retentionClasses: (signal?: AbortSignal) => apiJson<{ classes: RetentionClassJson[] }>('/api/v1/retention-classes', { signal }),
  addRetentionClass: (input: Omit<RetentionClassInput, 'by'>) => post<RetentionClassJson>('/api/v1/retention-classes', input),
  updateRetentionClass: (id: string, patch: Omit<RetentionClassPatch, 'by'>) => apiJson<RetentionClassJson>(`/api/v1/retention-classes/${enc(id)}`, { method: 'PATCH', body: patch }),

  holds: (signal?: AbortSignal) => apiJson<{ holds: HoldJson[] }>('/api/v1/holds', { signal }),
  placeHold: (hold: Omit<HoldInput, 'requested_by'>) => post<HoldJson>('/api/v1/holds', hold),
  releaseHold: (id: string, release: Omit<HoldReleaseInput, 'released_by'>) => post<HoldJson>(`/api/v1/holds/${enc(id)}/release`, release),

  publishNda: (text: string, effectiveAt?: string) => post<{ version: number; sha256: string; effective_at: string }>('/api/v1/visitors/nda', { text, ...(effectiveAt ? { effective_at: effectiveAt } : {}) }),
};

/** Leading characters of a hash, enough to compare two versions by eye. */
export const shortHash = (sha256: string) => `${sha256.slice(0, 12)}…`;
