import { describe, expect, it } from 'vitest';
import { loginPathFor, safeNext } from './next';

describe('return-to after login', () => {
  it('keeps in-app paths', () => {
    expect(safeNext('/admin/users?role=manager')).toBe('/admin/users?role=manager');
    expect(safeNext('/account/sessions')).toBe('/account/sessions');
  });
  it('rejects anything that could leave the app or loop', () => {
    for (const bad of [
      null,
      undefined,
      '',
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/login',
      '/login?next=/x',
    ]) {
      expect(safeNext(bad)).toBe('/');
    }
  });
  it('builds the login URL with the current page', () => {
    expect(loginPathFor('/admin/audit', '?entity=user')).toBe('/login?next=%2Fadmin%2Faudit%3Fentity%3Duser');
    expect(loginPathFor('/', '')).toBe('/login');
    expect(safeNext(decodeURIComponent('%2Fadmin%2Faudit%3Fentity%3Duser'))).toBe('/admin/audit?entity=user');
  });
});
