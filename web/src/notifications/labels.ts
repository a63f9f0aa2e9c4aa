/** The bell's accessible name: "Notifications, 3 unread". */
export function bellLabel(count: number): string {
  return count === 0 ? 'Notifications, none unread' : `Notifications, ${count} unread`;
}

/** What the polite live region says when the count changes. */
export function unreadAnnouncement(count: number): string {
  return count === 0 ? 'No unread notifications' : `${count} unread ${count === 1 ? 'notification' : 'notifications'}`;
}
