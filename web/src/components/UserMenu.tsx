// The account menu in the header: who is signed in, their status (presence),
// links to account pages, and "Log out". A disclosure (button + panel), so it
// works with Tab and Enter like everything else; Escape or a click outside
// closes it.
import { useEffect, useId, useRef, useState, type FocusEvent } from 'react';
import { Link } from 'react-router';
import { useAuth, useMe } from '../auth/useAuth';
import { ROLE_LABELS } from '../lib/roles';
import { usePresence } from '../presence/context';
import { CHOICE_HINTS, CHOOSABLE, PRESENCE_LABELS } from '../presence/status';
import { useUnreadCount } from '../notifications/hooks';
import { initials } from '../lib/names';
import { PATHS, PERMISSIONS, canReadFeedback } from '../lib/nav';
import { Icon } from './Icon';

export function UserMenu() {
  const me = useMe();
  const { logout } = useAuth();
  const presence = usePresence();
  const notifications = useUnreadCount();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onDown);
    };
  }, [open]);

  // Tabbing out of the menu closes it.
  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    if (open && e.relatedTarget instanceof Node && !root.current?.contains(e.relatedTarget)) setOpen(false);
  };
  const close = () => setOpen(false);
  const status = presence.available ? presence.effective : null;

  return (
    <div className="user-menu" ref={root} onBlur={onBlur}>
      <button
        ref={button}
        type="button"
        className="user-menu-button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar avatar-small" aria-hidden="true">
          {initials(me.user.name)}
          {status ? <span className={`presence-badge presence-${status}`} /> : null}
        </span>
        <span className="user-chip">
          <span className="user-name">{me.user.name}</span>
          <span className="user-role">{ROLE_LABELS[me.user.role]}</span>
        </span>
        <span className="visually-hidden">Account menu{status ? `, status: ${PRESENCE_LABELS[status]}` : ''}</span>
      </button>
      <div id={id} ref={panel} className="user-menu-panel" hidden={!open}>
        <div className="user-menu-head">
          <p className="user-menu-name">{me.user.name}</p>
          <p className="muted small">{me.user.email}</p>
        </div>
        {presence.available ? (
          <fieldset className="status-picker">
            <legend>Your status</legend>
            {CHOOSABLE.map((s) => (
              <label key={s} className="check status-option">
                <input type="radio" name={`${id}-status`} value={s} checked={presence.chosen === s} onChange={() => presence.choose(s)} />
                <span className={`presence presence-${s}`} aria-hidden="true">
                  <span className="presence-dot" />
                </span>
                <span>
                  {PRESENCE_LABELS[s]}
                  <span className="status-hint">{CHOICE_HINTS[s]}</span>
                </span>
              </label>
            ))}
            {presence.chosen === 'online' && presence.effective === 'away' ? (
              <p className="status-hint">Others see you as away: no activity for 5 minutes.</p>
            ) : null}
          </fieldset>
        ) : null}
        <ul className="user-menu-links">
          <li>
            <Link to="/account" onClick={close}>
              <Icon name="account" size={20} /> Account
            </Link>
          </li>
          {notifications.isSuccess ? (
            <li>
              <Link to="/account/notifications" onClick={close}>
                <Icon name="bell" size={20} /> Notification settings
              </Link>
            </li>
          ) : null}
          {me.permissions.includes(PERMISSIONS.ticketsCreate) ? (
            <li>
              <Link to={PATHS.tickets} onClick={close}>
                <Icon name="support" size={20} /> Help and support
              </Link>
            </li>
          ) : null}
          {/* Off a full phone bar, so here too. */}
          <li>
            <Link to={PATHS.announcements} onClick={close}>
              <Icon name="announcements" size={20} /> Announcements
            </Link>
          </li>
          {me.tenant ? (
            <li>
              <Link to={PATHS.feedback} onClick={close}>
                <Icon name="feedback" size={20} /> {canReadFeedback(me.permissions, me.user.role) ? 'Feedback' : 'Give team feedback'}
              </Link>
            </li>
          ) : null}
        </ul>
        <button type="button" className="btn btn-ghost user-menu-logout" onClick={() => void logout()}>
          <Icon name="logout" size={20} />
          Log out
        </button>
      </div>
    </div>
  );
}
