import { describe, expect, it } from 'vitest';
import { compilePathPattern, createBehaviourRouter } from '../../../src/dev/edge/cache-behaviours.js';

describe('CloudFront path patterns', () => {
  it.each([
    ['/_identity/*', '/_identity/login', true],
    ['/_identity/*', '/_identity/', true],
    ['/_identity/*', '/_identity/a/b/c', true],
    ['/_identity/*', '/_identity', false],
    ['/_identity/*', '/_Identity/login', false],
    ['/_identity/*', '/app/_identity/login', false],
    ['/_identity/*', '/_identityx/login', false],
    ['_identity/*', '/_identity/login', true],
    ['/images/*.jpg', '/images/a/b.jpg', true],
    ['/images/*.jpg', '/images/a/bxjpg', false],
    ['/file?.txt', '/file1.txt', true],
    ['/file?.txt', '/file.txt', false],
    ['/file?.txt', '/file12.txt', false],
    ['/a+(b)', '/a+(b)', true],
    ['/a+(b)', '/aa(b)', false],
    ['*', '/anything/at/all', true],
    ['*', '/', true],
  ])('%s against %s → %s', (pattern, path, expected) => {
    expect(compilePathPattern(pattern)(path)).toBe(expected);
  });

  it('lets the first matching behaviour win and falls back to the default', () => {
    const route = createBehaviourRouter(
      [
        { pathPattern: '/api/*', target: 'first' },
        { pathPattern: '/api/private/*', target: 'never reached' },
        { pathPattern: '/*.css', target: 'styles' },
      ],
      'default',
    );
    expect(route('/api/private/x')).toBe('first');
    expect(route('/site.css')).toBe('styles');
    expect(route('/api')).toBe('default');
  });
});
