import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useAuth, useMe } from '../auth/useAuth';
import { navFor } from '../lib/nav';
import { ROLE_LABELS } from '../lib/roles';
import { Icon } from './Icon';
import { Loading } from './ui';
import { Logo } from './Logo';

export function AppShell() {
  const me = useMe();
  const { logout } = useAuth();
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
          <div className="user-chip">
            <span className="user-name">{me.user.name}</span>
            <span className="user-role">{ROLE_LABELS[me.user.role]}</span>
          </div>
          <button type="button" className="btn btn-ghost logout-button" onClick={() => void logout()}>
            <Icon name="logout" size={20} />
            <span className="logout-label">Log out</span>
          </button>
        </div>
      </header>
      <nav className="mainnav" aria-label="Main">
        <ul>
          {items.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.to === '/'} className="navlink">
                <Icon name={item.icon} size={22} />
                <span>{item.label}</span>
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1} className="content">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
