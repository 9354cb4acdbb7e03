// Failure logging that cannot leak secrets: only error names, codes and
// messages (ours, oauth4webapi's and jose's never contain tokens, codes or
// cookies), never request data, causes' payloads or library error objects.

interface Described {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
}

const describe = (e: unknown): Described | string => {
  if (!(e instanceof Error)) return typeof e;
  const code = (e as { code?: unknown }).code;
  return { name: e.name, ...(typeof code === 'string' ? { code } : {}), message: e.message };
};

export function logFailure(what: string, e: unknown): void {
  const causes = [];
  for (let c = e instanceof Error ? e.cause : undefined; c !== undefined && causes.length < 3; c = c instanceof Error ? c.cause : undefined) {
    causes.push(describe(c));
  }
  console.error(`cogcf manager: ${what}`, JSON.stringify({ error: describe(e), causes }));
}
