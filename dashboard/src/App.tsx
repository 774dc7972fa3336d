import { lazy, Suspense, useEffect, useState } from 'react';
import { ConnectionBadge } from './components/ConnectionStatus';
import { Loading } from './components/Status';
import { LiveProvider } from './live/LiveProvider';
import { NAV, navItemFor } from './nav';
import { AlertsPage } from './pages/AlertsPage';
import { AdminPage, CabinetsPage, NotFoundPage, ReportsPage, ShreddingPage, VisitorsPage } from './pages/ComingPages';
import { FilePage } from './pages/FilePage';
import { FilesPage } from './pages/FilesPage';
import { LivePage } from './pages/LivePage';
import { SystemPage } from './pages/SystemPage';
import { Link, matchPath, RouterProvider, useRouter } from './router';
import { SessionProvider, useSession } from './session';

// The kiosk runs on its own screen: its camera code loads only there.
const KioskApp = lazy(() => import('./kiosk/KioskApp'));

function Routes() {
  const { location } = useRouter();
  const path = location.pathname.replace(/\/+$/, '') || '/';
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
  const { session, can } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const active = navItemFor(location.pathname);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const items = NAV.filter((item) => can(item.roles));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Safekeep, live activity">
          <span className="brand-mark" aria-hidden="true" />
          Safekeep
        </Link>
        <ConnectionBadge />
        <span className="who" title="Sign-in is coming: until then the server only answers this machine">
          {session.status === 'local' ? 'Local manager' : session.status === 'signed-in' ? session.user.display_name : ''}
        </span>
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
          <li className="nav-sep">
            <a href="/kiosk">Reception kiosk</a>
          </li>
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Routes />
      </main>
    </div>
  );
}

function Root() {
  const { location } = useRouter();
  if (location.pathname === '/kiosk' || location.pathname.startsWith('/kiosk/')) {
    return (
      <Suspense fallback={<Loading label="Starting the kiosk…" />}>
        <KioskApp />
      </Suspense>
    );
  }
  return (
    <LiveProvider>
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
