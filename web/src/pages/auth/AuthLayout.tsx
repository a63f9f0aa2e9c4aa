import { useEffect, type ReactNode } from 'react';
import { Logo } from '../../components/Logo';

export function AuthLayout({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Karat`;
  }, [title]);
  return (
    <div className="auth-page">
      <main id="main" className="auth-main">
        <div className="auth-card">
          <div className="auth-brand">
            <Logo size={44} />
            <span className="brand-name">Karat</span>
          </div>
          <h1>{title}</h1>
          {intro ? <div className="auth-intro">{intro}</div> : null}
          {children}
        </div>
        <p className="auth-footer">CRM for jewellery retailers</p>
      </main>
    </div>
  );
}
