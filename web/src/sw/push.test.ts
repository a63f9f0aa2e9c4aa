import { describe, expect, it } from 'vitest';
import { BADGE, DEFAULT_TARGET, ICON, clickTarget, parsePushData, pickWindow, pushTarget, toNotification } from './push';

const origin = 'https://karat.example';

const note = {
  id: '0190e7a2-0000-7000-8000-000000000001',
  type: 'user.role_changed',
  title: 'Your role changed',
  body: 'You are now a store manager.',
  link: '/account',
  urgent: false,
  read_at: null,
  created_at: '2026-01-05T10:15:00Z',
};

describe('push link sanitising', () => {
  it('keeps in-app paths', () => {
    expect(pushTarget('/stores?id=1#x')).toBe('/stores?id=1#x');
    expect(pushTarget('/account')).toBe('/account');
  });
  it('sends everything else to the notification centre', () => {
    for (const bad of [
      null,
      undefined,
      '',
      42,
      {},
      'stores',
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
    ]) {
      expect(pushTarget(bad)).toBe(DEFAULT_TARGET);
    }
  });
  it('resolves a click to an absolute URL on our origin only', () => {
    expect(clickTarget({ link: '/stores' }, origin)).toBe(`${origin}/stores`);
    expect(clickTarget({ link: 'https://evil.example/phish' }, origin)).toBe(`${origin}/notifications`);
    expect(clickTarget({ link: '//evil.example' }, origin)).toBe(`${origin}/notifications`);
    expect(clickTarget(null, origin)).toBe(`${origin}/notifications`);
    expect(clickTarget('garbage', origin)).toBe(`${origin}/notifications`);
  });
});

describe('push payload → notification', () => {
  it('maps a notification', () => {
    const { title, options } = toNotification(note);
    expect(title).toBe('Your role changed');
    expect(options).toEqual({
      body: 'You are now a store manager.',
      icon: ICON,
      badge: BADGE,
      tag: note.id,
      data: { id: note.id, link: '/account' },
      requireInteraction: false,
      timestamp: Date.parse(note.created_at),
    });
  });

  it('keeps urgent ones on screen', () => {
    expect(toNotification({ ...note, urgent: true }).options.requireInteraction).toBe(true);
    expect(toNotification({ ...note, urgent: 'yes' }).options.requireInteraction).toBe(false);
  });

  it('never links off-site and defaults to the notification centre', () => {
    expect(toNotification({ ...note, link: 'https://evil.example' }).options.data).toEqual({ id: note.id, link: '/notifications' });
    expect(toNotification({ ...note, link: null }).options.data).toEqual({ id: note.id, link: '/notifications' });
  });

  it('shows something for malformed payloads', () => {
    const empty = toNotification(undefined);
    expect(empty.title).toBe('Karat');
    expect(empty.options.body).toBe('You have a new notification.');
    expect(empty.options.tag).toBeUndefined();
    expect(empty.options.timestamp).toBeUndefined();
    expect(empty.options.data).toEqual({ id: null, link: '/notifications' });
    const text = toNotification(parsePushData('Stock count due'));
    expect(text.title).toBe('Karat');
    expect(text.options.body).toBe('Stock count due');
    expect(toNotification({ ...note, created_at: 'not a date' }).options.timestamp).toBeUndefined();
    expect(toNotification({ title: '  ', body: 7 }).title).toBe('Karat');
  });

  it('keeps titles and bodies to a sane length', () => {
    const { title, options } = toNotification({ ...note, title: 'T'.repeat(500), body: 'B'.repeat(5000) });
    expect(title.length).toBe(120);
    expect(title.endsWith('…')).toBe(true);
    expect(options.body?.length).toBe(500);
  });

  it('parses push data', () => {
    expect(parsePushData(JSON.stringify(note))).toEqual(note);
    expect(parsePushData(null)).toEqual({});
    expect(parsePushData('')).toEqual({});
    expect(parsePushData('[1,2]')).toEqual({});
    expect(parsePushData('"hello"')).toEqual({ body: 'hello' });
    expect(parsePushData('{broken')).toEqual({ body: '{broken' });
  });
});

describe('which window a click reuses', () => {
  const w = (url: string, focused = false, visibilityState = 'hidden') => ({ url, focused, visibilityState });
  it('prefers our focused, then visible, then any window', () => {
    const a = w(`${origin}/a`);
    const b = w(`${origin}/b`, false, 'visible');
    const c = w(`${origin}/c`, true, 'visible');
    expect(pickWindow([a, b, c], origin)).toBe(c);
    expect(pickWindow([a, b], origin)).toBe(b);
    expect(pickWindow([a], origin)).toBe(a);
  });
  it('ignores other origins', () => {
    expect(pickWindow([w('https://other.example/', true, 'visible')], origin)).toBeNull();
    expect(pickWindow([w('not a url', true)], origin)).toBeNull();
    expect(pickWindow([], origin)).toBeNull();
  });
});
