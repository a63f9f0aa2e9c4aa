import { useId, useState, type ReactNode } from 'react';
import { Icon } from './Icon';

/**
 * Filters: always shown on wide screens; behind a "Filters" toggle on phones so
 * the list is visible without scrolling past the form.
 */
export function FilterPanel({ activeCount, children }: { activeCount: number; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className={`filter-panel${open ? ' is-open' : ''}`}>
      <button
        type="button"
        className="btn btn-secondary filters-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="search" size={20} />
        Filters{activeCount > 0 ? ` (${activeCount})` : ''}
      </button>
      <div id={id} className="filter-body">
        {children}
      </div>
    </div>
  );
}
