import type { IconName as NavIconName } from '../lib/nav';

export type IconName =
  | NavIconName
  | 'logout'
  | 'plus'
  | 'search'
  | 'x'
  | 'device'
  | 'alert'
  | 'check'
  | 'eye'
  | 'eye-off'
  | 'shield'
  | 'bell'
  | 'gem'
  | 'trash'
  | 'restore'
  | 'phone'
  | 'calendar'
  | 'note'
  | 'merge'
  | 'edit'
  | 'back'
  | 'upload'
  | 'download'
  | 'camera'
  | 'file'
  | 'clock'
  | 'hang-up'
  | 'send';

// 24×24 stroke icons (outline style), drawn by hand for this app.
const PATHS: Record<IconName, string> = {
  home: 'M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z',
  store: 'M4 9h16l-1.5-5h-13zM4 9v11h16V9M9 20v-6h6v6M4 9a2.7 2.7 0 0 0 5.3 0 2.7 2.7 0 0 0 5.4 0 2.7 2.7 0 0 0 5.3 0',
  users: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M16 3.1a4 4 0 0 1 0 7.8M22 21v-1a6 6 0 0 0-4-5.6',
  audit: 'M9 4h6M9 4a2 2 0 0 0-2 2H5v15h14V6h-2a2 2 0 0 0-2-2M9 4a2 2 0 0 1 2-1h2a2 2 0 0 1 2 1M8 11h8M8 15h8M8 19h5',
  tenants: 'M3 21h18M5 21V7l7-4 7 4v14M9 9h.01M15 9h.01M9 13h.01M15 13h.01M10 21v-4h4v4',
  account: 'M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zM3.5 21a8.5 8.5 0 0 1 17 0',
  logout: 'M15 4h4a1 1 0 0 1 1 1v14a1 1 0 0 1-1 1h-4M10 17l5-5-5-5M15 12H3',
  plus: 'M12 5v14M5 12h14',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5',
  x: 'M6 6l12 12M18 6 6 18',
  device: 'M4 5h16v11H4zM2 20h20M9 16v4M15 16v4',
  alert: 'M12 3 2 20h20zM12 10v4M12 17h.01',
  check: 'M5 12.5l4.5 4.5L19 7',
  eye: 'M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  'eye-off':
    'M3 3l18 18M10.6 6.1A10 10 0 0 1 12 6c6.5 0 10 6 10 6a17 17 0 0 1-3.2 3.9M6.6 6.6C3.8 8.4 2 12 2 12s3.5 6 10 6c1.7 0 3.2-.4 4.5-1M9.9 9.9a3 3 0 0 0 4.2 4.2',
  shield: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4',
  gem: 'M6 3h12l4 6-10 12L2 9zM2 9h20M9 3l3 18M15 3l-3 18',
  customers: 'M10 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM3 21v-1a6 6 0 0 1 6-6h2c1 0 1.9.2 2.7.7M16 16l1.2-1.8h3.6L22 16l-3 3.8zM16 16h6',
  visit: 'M9 3h6v3H9zM9 4.5H5V21h14V4.5h-4M12 10v7M8.5 13.5h7',
  access: 'M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  restore: 'M3 12a9 9 0 1 0 3-6.7M3 4v5h5',
  phone: 'M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2',
  calendar: 'M4 6h16v15H4zM4 10h16M8 3v5M16 3v5',
  note: 'M5 3h10l4 4v14H5zM15 3v4h4M8 12h8M8 16h6',
  merge: 'M7 3v4a5 5 0 0 0 5 5 5 5 0 0 1 5 5v4M17 3v4a5 5 0 0 1-5 5M4 18l3 3 3-3',
  edit: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  back: 'M15 18l-6-6 6-6',
  segments: 'M9 15a6 6 0 1 0 0-12 6 6 0 0 0 0 12zM15 21a6 6 0 1 0 0-12 6 6 0 0 0 0 12z',
  upload: 'M12 16V4M7 9l5-5 5 5M4 16v4h16v-4',
  download: 'M12 4v12M7 11l5 5 5-5M4 16v4h16v-4',
  camera: 'M4 8h3l2-3h6l2 3h3v12H4zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
  file: 'M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6',
  console: 'M4 14v-2a8 8 0 0 1 16 0v2M4 14h3v6H5a1 1 0 0 1-1-1zM20 14h-3v6h2a1 1 0 0 0 1-1zM17 20c0 1.1-1.8 2-4 2h-1',
  wallboard: 'M3 4h18v12H3zM8 20h8M12 16v4M7 12v-2M11 12V8M15 12V9',
  leads: 'M3 4h18l-7 8.5V18l-4 2v-7.5z',
  chat: 'M4 5h16v11H9l-5 4zM8 9h8M8 12.5h5',
  send: 'M21 3 3 10.5l7 3 3 7.5zM21 3 10 13.5',
  support:
    'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 16a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM5.6 5.6l3.6 3.6M14.8 14.8l3.6 3.6M18.4 5.6l-3.6 3.6M9.2 14.8l-3.6 3.6',
  transfers: 'M4 8h13M13 4l4 4-4 4M20 16H7M11 12l-4 4 4 4',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2',
  'hang-up': 'M3 14.5c5-5 13-5 18 0l-1.8 2.7-3.7-1.3.2-2.4a11 11 0 0 0-7.4 0l.2 2.4-3.7 1.3z',
  announcements: 'M3 10v4h3l8 5V5L6 10zM6 14l1.5 6h3L9 15.5M17.5 9a4 4 0 0 1 0 6M20 6.5a7.5 7.5 0 0 1 0 11',
  escalations: 'M5 21V4M5 4h11l-2 4 2 4H5M12 17l3-3 3 3M15 14v7',
  feedback: 'M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8L12 16.9l-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z',
};

export function Icon({ name, size = 22, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg
      className={className}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
