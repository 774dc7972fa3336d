import type { AuthServices } from './auth-services';
import { setupLink } from './setup-tokens';

/**
 * No default passwords: while no administrator exists, each start issues a one-time link (valid
 * one hour, single use) for creating the first one. Returns the link to print, or null.
 */
export async function firstAdminLink(auth: AuthServices, baseUrl: string): Promise<string | null> {
  if (await auth.users.hasActiveAdmin()) return null;
  const issued = await auth.setup.issue();
  return setupLink(baseUrl, issued.token);
}
