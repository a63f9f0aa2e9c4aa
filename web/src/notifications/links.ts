/**
 * A notification's link as an in-app path, or null. Only same-site paths are
 * followed ("/stores?x=1"); anything else ("//evil", "https://…",
 * "javascript:…") is not turned into a link.
 */
export function internalLink(link: string | null | undefined): string | null {
  if (!link) return null;
  if (!link.startsWith('/') || link.startsWith('//') || link.startsWith('/\\')) return null;
  try {
    const u = new URL(link, 'https://karat.invalid');
    if (u.origin !== 'https://karat.invalid') return null;
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return null;
  }
}
