// Headers as ordered lines `[name as written, value]`: the one form that keeps
// both the spelling of each name and repeated headers apart (two Cookie lines
// from a viewer, several Set-Cookie lines in a response).

export type HeaderLine = readonly [string, string];

/** Node's `rawHeaders` (`[name, value, name, value, …]`) as lines. */
export function rawHeaderLines(raw: readonly string[]): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i]!, raw[i + 1]!]);
  return lines;
}

/** Every value of one header, by lower-case name, in order. */
export const valuesOf = (lines: readonly HeaderLine[], name: string): string[] =>
  lines.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

/** Lines as the flat array `writeHead` and `http.request` take. */
export const flatHeaders = (lines: readonly HeaderLine[]): string[] => lines.flat();
