import { useEffect, useState } from 'react';

/** The current time, every `ms` (an SLA or an expiry that passes while the page is open shows it). */
export function useClock(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}
