// Notifications. Hand-written rather than Radix Toast so the first page load
// carries no extra primitives: a polite live region for news, an assertive one
// for errors, dismiss buttons, and timers that pause while hovered or focused.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Icon } from './Icon';
import { ToastContext, type ToastInput } from './toast';

interface Item extends ToastInput {
  id: number;
}

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<Item[]>([]);
  const push = useCallback((t: ToastInput) => {
    setItems((list) => [...list.slice(-3), { ...t, id: nextId++ }]);
  }, []);
  const remove = useCallback((id: number) => setItems((list) => list.filter((i) => i.id !== id)), []);
  const polite = items.filter((t) => t.tone !== 'error');
  const assertive = items.filter((t) => t.tone === 'error');

  return (
    <ToastContext.Provider value={push}>
      {children}
      <section className="toast-viewport" aria-label="Notifications">
        <div role="status" aria-live="polite" className="toast-stack">
          {polite.map((t) => (
            <Toast key={t.id} item={t} onClose={remove} />
          ))}
        </div>
        <div role="alert" aria-live="assertive" className="toast-stack">
          {assertive.map((t) => (
            <Toast key={t.id} item={t} onClose={remove} />
          ))}
        </div>
      </section>
    </ToastContext.Provider>
  );
}

function Toast({ item, onClose }: { item: Item; onClose: (id: number) => void }) {
  const [paused, setPaused] = useState(false);
  const remaining = useRef(item.tone === 'error' || item.action ? 10_000 : 6_000);

  useEffect(() => {
    if (paused) return;
    const started = Date.now();
    const timer = window.setTimeout(() => onClose(item.id), remaining.current);
    return () => {
      window.clearTimeout(timer);
      remaining.current = Math.max(1500, remaining.current - (Date.now() - started));
    };
  }, [paused, item.id, onClose]);

  return (
    <div
      className={`toast toast-${item.tone ?? 'info'}`}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <Icon name={item.tone === 'error' ? 'alert' : 'check'} size={20} className="toast-icon" />
      <div className="toast-body">
        <p className="toast-title">{item.title}</p>
        {item.description ? <p className="toast-description">{item.description}</p> : null}
      </div>
      {item.action ? (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => {
            item.action?.onClick();
            onClose(item.id);
          }}
        >
          {item.action.label}
        </button>
      ) : null}
      <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => onClose(item.id)}>
        <Icon name="x" size={18} />
      </button>
    </div>
  );
}
