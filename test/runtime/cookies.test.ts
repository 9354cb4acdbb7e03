import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expiredCookie, readCookie, serializeCookie, withoutCookie } from '../../runtime/core/cookies.js';

const NAME = '__Host-cogcf-session';

describe('readCookie', () => {
  it.each([
    [['a=1; __Host-cogcf-session=abc; b=2'], ['abc']],
    [['__Host-cogcf-session=abc'], ['abc']],
    [['foo={"a":1}; __Host-cogcf-session=abc'], ['abc']],
    [['a=1', '__Host-cogcf-session="abc"'], ['abc']],
    [['x__Host-cogcf-session=evil; __Host-cogcf-session=abc'], ['abc']],
    [['foo=__Host-cogcf-session=evil'], []],
    [['__Host-cogcf-session=one;__Host-cogcf-session=two'], ['one', 'two']],
    [[';;; =;  __Host-cogcf-session = abc'], []],
    [['\t__Host-cogcf-session=abc \t; b'], ['abc']],
  ])('%j → %j', (headers, expected) => {
    expect(readCookie(headers, NAME)).toEqual(expected);
  });
});

describe('withoutCookie', () => {
  it.each([
    [['a=1; __Host-cogcf-session=abc; b=2'], ['a=1; b=2']],
    [['__Host-cogcf-session=abc; b=2'], ['b=2']],
    [['a=1; __Host-cogcf-session=abc'], ['a=1']],
    [['__Host-cogcf-session=abc'], []],
    [['a=1', '__Host-cogcf-session=abc', 'c=3'], ['a=1', 'c=3']],
    [['x__Host-cogcf-session=keep; __Host-cogcf-session=abc;__Host-cogcf-session=def; z=9'], ['x__Host-cogcf-session=keep; z=9']],
    [['foo=__Host-cogcf-session=kept'], ['foo=__Host-cogcf-session=kept']],
  ])('%j → %j', (headers, expected) => {
    expect(withoutCookie(headers, NAME)).toEqual(expected);
  });

  // Whatever the header looks like, what remains never carries our cookie and
  // keeps every other pair readable exactly as before.
  it('removes exactly what readCookie reads', () => {
    const pair = fc.oneof(
      fc.constantFrom(`${NAME}=abc`, `${NAME}="q"`, `x${NAME}=k`, `v=${NAME}=k`, 'foo={"a":1}', '=', '', ' ', 'a=b=c'),
      fc.tuple(fc.stringMatching(/^[a-z]{1,3}$/), fc.string({ maxLength: 6 })).map(([k, v]) => `${k}=${v.replace(/;/g, '')}`),
    );
    const header = fc.array(pair, { maxLength: 6 }).chain((pairs) => fc.constantFrom('; ', ';', ' ;  ').map((sep) => pairs.join(sep)));
    fc.assert(
      fc.property(fc.array(header, { minLength: 1, maxLength: 3 }), (headers) => {
        const rest = withoutCookie(headers, NAME);
        expect(readCookie(rest, NAME)).toEqual([]);
        expect(readCookie(rest, 'foo')).toEqual(readCookie(headers, 'foo'));
        expect(readCookie(rest, 'v')).toEqual(readCookie(headers, 'v'));
      }),
    );
  });
});

describe('serializeCookie', () => {
  it('always sets the attributes a __Host- cookie needs', () => {
    expect(serializeCookie(NAME, 'v', { maxAge: 60 })).toBe(`${NAME}=v; Path=/; Max-Age=60; Secure; HttpOnly; SameSite=Lax`);
    expect(expiredCookie(NAME)).toBe(`${NAME}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax`);
  });
});
