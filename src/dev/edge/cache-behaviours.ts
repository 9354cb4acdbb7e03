// Which cache behaviour serves a path, as CloudFront decides: behaviours in
// order, the first whose path pattern matches wins, the default (`*`) last.
// Patterns are case-sensitive, `*` matches any run of characters (also none
// and also `/`), `?` exactly one, and the leading `/` is optional. The query
// string plays no part. `/_identity/*` therefore does not match `/_identity`.

export interface CacheBehaviour<T> {
  readonly pathPattern: string;
  readonly target: T;
}

export type BehaviourRouter<T> = (path: string) => T;

export function compilePathPattern(pattern: string): (path: string) => boolean {
  const anchored = pattern.startsWith('/') || pattern.startsWith('*') ? pattern : `/${pattern}`;
  const source = [...anchored]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 's');
  return (path) => regex.test(path);
}

export function createBehaviourRouter<T>(behaviours: readonly CacheBehaviour<T>[], defaultTarget: T): BehaviourRouter<T> {
  const compiled = behaviours.map((b) => ({ matches: compilePathPattern(b.pathPattern), target: b.target }));
  return (path) => compiled.find((b) => b.matches(path))?.target ?? defaultTarget;
}
