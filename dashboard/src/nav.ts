import type { Role } from './api/types';

export interface NavItem {
  path: string;
  label: string;
  /** Who sees it. */
  roles: readonly Role[];
  /** 'coming': the page is a placeholder until its API exists. */
  state: 'ready' | 'coming';
}

const STAFF: readonly Role[] = ['staff', 'manager', 'admin'];
const MANAGERS: readonly Role[] = ['manager', 'admin'];
/** The reception desk and the kiosk account. */
export const DESK: readonly Role[] = ['kiosk', 'reception', 'manager', 'admin'];

export const NAV: readonly NavItem[] = [
  { path: '/', label: 'Live activity', roles: STAFF, state: 'ready' },
  { path: '/files', label: 'Files', roles: STAFF, state: 'ready' },
  { path: '/cabinets', label: 'Cabinets', roles: MANAGERS, state: 'ready' },
  { path: '/alerts', label: 'Alerts', roles: MANAGERS, state: 'ready' },
  { path: '/visitors', label: 'Visitors', roles: ['reception', 'staff', ...MANAGERS], state: 'ready' },
  { path: '/shredding', label: 'Shredding', roles: STAFF, state: 'ready' },
  { path: '/reports', label: 'Reports', roles: MANAGERS, state: 'ready' },
  { path: '/system', label: 'Health and devices', roles: MANAGERS, state: 'ready' },
  { path: '/admin', label: 'Administration', roles: MANAGERS, state: 'ready' },
];

/** The nav item a path belongs to: /files/SK-1 → Files. */
export function navItemFor(pathname: string): NavItem | undefined {
  return NAV.find((item) => (item.path === '/' ? pathname === '/' : pathname === item.path || pathname.startsWith(`${item.path}/`)));
}

/** Where a role starts: the first page it may see. */
export function homeFor(role: Role): string {
  if (role === 'kiosk') return '/kiosk';
  return NAV.find((item) => item.roles.includes(role))?.path ?? '/kiosk';
}
