import { useEffect, useState } from 'react';
import { hostDirectory } from './api/visitors';
import type { PersonJson } from './api/types';

/**
 * Names for the person ids records carry (custodians, hosts), from GET /api/v1/people. Only
 * managers and admins may read it; for others the pages show a short id instead of a name.
 */
let cached: Promise<Map<string, PersonJson> | null> | null = null;

export function usePeople(): Map<string, PersonJson> | null {
  const [people, setPeople] = useState<Map<string, PersonJson> | null>(null);
  useEffect(() => {
    let live = true;
    cached ??= hostDirectory()
      .then((list) => (list ? new Map(list.map((p) => [p.id, p])) : null))
      .catch(() => null);
    void cached.then((map) => live && setPeople(map));
    return () => {
      live = false;
    };
  }, []);
  return people;
}

/** After signing out or in as someone else. */
export function forgetPeople(): void {
  cached = null;
}

export function personLabel(id: string | null, people: Map<string, PersonJson> | null): string {
  if (!id) return '—';
  return people?.get(id)?.name ?? `person …${id.slice(-6)}`;
}
