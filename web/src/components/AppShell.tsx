import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useMe } from '../auth/useAuth';
import { PATHS, navFor } from '../lib/nav';
import { RealtimeProvider } from '../realtime/RealtimeProvider';
import { ConnectionIndicator } from '../realtime/ConnectionIndicator';
import { PresenceProvider } from '../presence/PresenceProvider';
import { NotificationBell } from '../notifications/NotificationBell';
import { Icon } from './Icon';
import { Loading } from './ui';
import { Logo } from './Logo';
import { UserMenu } from './UserMenu';
import { PushProvider } from '../pwa/PushProvider';
import { PushBanner } from '../pwa/PushBanner';
import { AnnouncementBanner } from '../pages/announcements/Banner';
import { ChatNavCount } from '../pages/chat/NavCount';

export function AppShell() {
  const me = useMe();
  // One real-time connection per signed-in user (a new user gets a new one).
  return (
    <RealtimeProvider key={me.user.id}>
      <PresenceProvider>
        {/* Push needs a tenant: the server keeps subscriptions per business. */}
        <PushProvider userId={me.user.id} enabled={me.tenant !== null}>
          <Shell />
        </PushProvider>
      </PresenceProvider>
    </RealtimeProvider>
  );
}

function Shell() {
  const me = useMe();
  const items = navFor(me.user.role, me.permissions);
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // Screen readers pick pronunciation and number reading from the page language.
  const locale = me.tenant?.locale;
  useEffect(() => {
    if (locale) document.documentElement.lang = locale;
  }, [locale]);

  // After in-app navigation, move focus to the new page's heading so screen
  // readers announce it and keyboard users start at the content.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = mainRef.current?.querySelector<HTMLElement>('h1');
    (h1 ?? mainRef.current)?.focus({ preventScroll: false });
  }, [location.pathname]);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <Logo />
          <span className="brand-name">Karat</span>
          {me.tenant ? <span className="brand-tenant">{me.tenant.name}</span> : <span className="brand-tenant">Platform</span>}
        </div>
        <div className="topbar-user">
          <ConnectionIndicator />
          <NotificationBell />
          <UserMenu />
        </div>
      </header>
      <nav className="mainnav" aria-label="Main">
        <ul>
          {items.map((item) => (
            <li key={item.to} className={item.onPhone ? undefined : 'nav-wide-only'}>
              <NavLink to={item.to} end={item.to === '/'} className="navlink">
                <Icon name={item.icon} size={22} />
                <span>{item.label}</span>
                {item.to === PATHS.chat ? <ChatNavCount /> : null}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1} className="content">
        {/* Live pinned or urgent announcements: above the page, never over it. */}
        <AnnouncementBanner />
        <PushBanner />
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
