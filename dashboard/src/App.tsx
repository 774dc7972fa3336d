import { lazy, Suspense, useEffect, useState } from 'react';
import { ConnectionBadge } from './components/ConnectionStatus';
import { Page } from './components/Page';
import { Loading } from './components/Status';
import { LiveProvider } from './live/LiveProvider';
import { DESK, homeFor, NAV, navItemFor } from './nav';
import { AlertsPage } from './pages/AlertsPage';
import { AdminPage } from './pages/AdminPage';
import { CabinetsPage } from './pages/CabinetsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ShreddingPage } from './pages/ShreddingPage';
import { FilePage } from './pages/FilePage';
import { FilesPage } from './pages/FilesPage';
import { LivePage } from './pages/LivePage';
import { ReportsPage } from './pages/ReportsPage';
import { SignInPage } from './pages/SignInPage';
import { SystemPage } from './pages/SystemPage';
import { RollCallPage, VisitorsPage } from './pages/VisitorsPage';
import { Link, matchPath, RouterProvider, useRouter } from './router';
import { SessionProvider, useSession } from './session';

// The kiosk runs on its own screen: its camera code loads only there.
const KioskApp = lazy(() => import('./kiosk/KioskApp'));

const ROLE_LABELS: Record<string, string> = { reception: 'Reception', staff: 'Staff', manager: 'Manager', admin: 'Administrator', kiosk: 'Kiosk' };

function Forbidden() {
  return (
    <Page title="Not available">
      <p>Your role does not include this page.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </Page>
  );
}

function Routes() {
  const { location } = useRouter();
  const { can } = useSession();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const item = navItemFor(path);
  if (item && !can(item.roles)) return <Forbidden />;
  const file = matchPath('/files/:barcode', path);
  if (file) return <FilePage key={file.barcode} barcode={file.barcode!} />;
  switch (path) {
    case '/':
      return <LivePage />;
    case '/files':
      return <FilesPage />;
    case '/alerts':
      return <AlertsPage />;
    case '/system':
      return <SystemPage />;
    case '/cabinets':
      return <CabinetsPage />;
    case '/visitors':
      return <VisitorsPage />;
    case '/visitors/roll-call':
      return <RollCallPage />;
    case '/shredding':
      return <ShreddingPage />;
    case '/reports':
      return <ReportsPage />;
    case '/admin':
      return <AdminPage />;
    default:
      return <NotFoundPage path={location.pathname} />;
  }
}

function Shell() {
  const { location } = useRouter();
  const { session, can, signOut } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const active = navItemFor(location.pathname);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const items = NAV.filter((item) => can(item.roles));
  const who = session.status === 'signed-in' ? session.username : 'Local operator';
  const role = session.status === 'signed-in' || session.status === 'local' ? session.role : undefined;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Safekeep, start page">
          <span className="brand-mark" aria-hidden="true" />
          Safekeep
        </Link>
        <ConnectionBadge />
        <span className="who" data-testid="who">
          {who}
          {role ? <span className="who-role"> · {ROLE_LABELS[role] ?? role}</span> : null}
        </span>
        {session.status === 'signed-in' ? (
          <button type="button" className="topbar-button" onClick={() => void signOut()}>
            Sign out
          </button>
        ) : null}
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
          Menu
        </button>
      </header>
      <nav id="main-nav" className={`sidenav ${menuOpen ? 'open' : ''}`} aria-label="Main">
        <ul>
          {items.map((item) => (
            <li key={item.path}>
              <Link to={item.path} aria-current={active?.path === item.path ? 'page' : undefined}>
                {item.label}
                {item.state === 'coming' ? <span className="soon">coming</span> : null}
              </Link>
            </li>
          ))}
          {can(DESK) ? (
            <li className="nav-sep">
              <a href="/kiosk">Reception kiosk</a>
            </li>
          ) : null}
          {session.status === 'signed-in' ? (
            <li className="nav-signout">
              <button type="button" onClick={() => void signOut()}>
                Sign out {session.username}
              </button>
            </li>
          ) : null}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Routes />
      </main>
    </div>
  );
}

function Root() {
  const { location, navigate } = useRouter();
  const { session, can, refresh } = useSession();
  const kiosk = location.pathname === '/kiosk' || location.pathname.startsWith('/kiosk/');
  const setup = location.pathname === '/setup';
  const signedIn = session.status === 'signed-in' || session.status === 'local';
  const role = signedIn ? session.role : null;

  // The kiosk account sees the kiosk only; after the first-admin set-up, the start page.
  useEffect(() => {
    if (role === 'kiosk' && !kiosk) navigate('/kiosk', { replace: true });
    else if (role && setup) navigate(homeFor(role), { replace: true });
    else if (role && location.pathname === '/' && !can(NAV[0]!.roles)) navigate(homeFor(role), { replace: true });
  }, [role, kiosk, setup, location.pathname, navigate, can]);

  if (session.status === 'loading') return <Loading label="Starting…" />;
  if (!signedIn) {
    const token = setup ? new URLSearchParams(window.location.hash.slice(1)).get('token') ?? undefined : undefined;
    return <SignInPage variant={kiosk ? 'kiosk' : 'dashboard'} {...(token ? { setupToken: token } : {})} />;
  }
  if (kiosk) {
    if (!can(DESK)) {
      return (
        <main className="signin" id="main">
          <div className="signin-box">
            <h1>Reception kiosk</h1>
            <p>The kiosk runs under the kiosk account (or reception). Your role cannot sign visitors in.</p>
            <a href="/">Back to the dashboard</a>
          </div>
        </main>
      );
    }
    return (
      <Suspense fallback={<Loading label="Starting the kiosk…" />}>
        <KioskApp />
      </Suspense>
    );
  }
  // One live connection per signed-in user: a new sign-in gets a new socket with its own rooms.
  return (
    <LiveProvider key={session.status === 'signed-in' ? session.username : 'local'} onRefused={() => void refresh()}>
      <Shell />
    </LiveProvider>
  );
}

export function App() {
  return (
    <SessionProvider>
      <RouterProvider>
        <Root />
      </RouterProvider>
    </SessionProvider>
  );
}
