import { describe, expect, it } from 'vitest';
import { canonicalPath, compileGlobs, compileGroupGate, compilePublicPaths } from '../../../runtime/checker/path-rules.js';

describe('canonicalPath', () => {
  it.each([
    ['/docs/a.html', '/docs/a.html'],
    ['/', '/'],
    ['/admin/', '/admin/'],
    ['/a/./b', '/a/b'],
    ['/a/../b/', '/b/'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['//admin//x', '/admin/x'],
    ['/a/b/..', '/a/'],
    ['/%61dmin/x', '/admin/x'],
    ['/assets/%2e%2e/admin', '/admin'],
    ['/assets/..%2Fadmin/', '/admin/'],
    ['/assets\\..\\admin', '/admin'],
    ['/assets/..;jsessionid=1/admin', '/admin'],
    ['/admin;x=y/users', '/admin/users'],
    ['/files/a%20b.txt', '/files/a b.txt'],
    ['/.well-known/x', '/.well-known/x'],
  ])('%s → %s', (uri, canonical) => {
    expect(canonicalPath(uri)).toBe(canonical);
  });

  it('gives up on URIs that do not decode (e.g. overlong UTF-8 for /)', () => {
    for (const uri of ['/a/%zz', '/a/%', '/a/%c0%af', '/a/%ff']) expect(canonicalPath(uri)).toBeUndefined();
  });
});

describe('compileGlobs', () => {
  it('treats everything but * literally', () => {
    const matches = compileGlobs(['/a.b/*', '/x+(y)?[z]', '/^$|\\']);
    expect(matches('/a.b/')).toBe(true);
    expect(matches('/a.b/c/d')).toBe(true);
    expect(matches('/aXb/c')).toBe(false);
    expect(matches('/x+(y)?[z]')).toBe(true);
    expect(matches('/xx(y)z')).toBe(false);
    expect(matches('/^$|\\')).toBe(true);
    expect(matches('')).toBe(false);
    expect(compileGlobs([])('/anything')).toBe(false);
  });
});

describe('compilePublicPaths', () => {
  it('needs both the raw and the resolved path to match', () => {
    const isPublic = compilePublicPaths(['/assets/*']);
    expect(isPublic('/assets/x.js', canonicalPath('/assets/x.js'))).toBe(true);
    expect(isPublic('/assets/a%20b.js', canonicalPath('/assets/a%20b.js'))).toBe(true);
    expect(isPublic('/assets/../secret', canonicalPath('/assets/../secret'))).toBe(false);
    expect(isPublic('/assets/%zz', undefined)).toBe(false);
  });
});

describe('compileGroupGate', () => {
  const gate = compileGroupGate(['staff', 'admins'], [
    { prefix: '/admin/', allowedGroups: ['admins'] },
    { prefix: '/admin/open/', allowedGroups: [] },
  ]);
  const allows = (groups: string[], uri: string) => gate(groups, uri, canonicalPath(uri));

  it('requires the global any-of and the longest matching rule', () => {
    expect(allows([], '/docs')).toBe(false);
    expect(allows(['staff'], '/docs')).toBe(true);
    expect(allows(['staff'], '/admin/x')).toBe(false);
    expect(allows(['admins'], '/admin/x')).toBe(true);
    expect(allows(['staff'], '/admin/open/x')).toBe(true);
  });

  it('applies the rules of the resolved path too, and every rule to a path that does not decode', () => {
    expect(allows(['staff'], '/admin/open/../x')).toBe(false);
    expect(allows(['staff'], '/admin/open/%zz')).toBe(false);
    expect(allows(['admins'], '/admin/open/%zz')).toBe(true);
  });

  it('lets every signed-in user in when nothing is configured', () => {
    expect(compileGroupGate([], [])([], '/anything', '/anything')).toBe(true);
  });
});
