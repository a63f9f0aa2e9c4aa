/** The Karat mark: a faceted gem in gold on maroon. */
export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false" className="logo">
      <rect width="64" height="64" rx="14" fill="#7a1f2b" />
      <path d="M20 18h24l8 11-20 20-20-20z" fill="#d9b15c" />
      <path
        d="M12 29h40M26 18l6 31M38 18l-6 31M20 18l6 11M44 18l-6 11"
        stroke="#7a1f2b"
        strokeWidth="2.2"
        strokeLinejoin="round"
        fill="none"
      />
    </svg>
  );
}
