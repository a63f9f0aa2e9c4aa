import { describe, expect, it } from 'vitest';
import { internalLink } from './links';
import { bellLabel, unreadAnnouncement } from './labels';

describe('internalLink', () => {
  it('keeps same-site paths', () => {
    expect(internalLink('/stores')).toBe('/stores');
    expect(internalLink('/admin/users?q=asha#top')).toBe('/admin/users?q=asha#top');
  });
  it('drops everything else', () => {
    for (const bad of [
      null,
      undefined,
      '',
      'stores',
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
    ]) {
      expect(internalLink(bad)).toBeNull();
    }
  });
});

describe('bell wording', () => {
  it('names the count', () => {
    expect(bellLabel(0)).toBe('Notifications, none unread');
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
    expect(unreadAnnouncement(1)).toBe('1 unread notification');
    expect(unreadAnnouncement(2)).toBe('2 unread notifications');
  });
});
