// oidc-provider ships no types; this covers the part src/dev/local-idp.ts uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type Handler = (req: IncomingMessage, res: ServerResponse) => void;

  interface Interaction {
    readonly uid: string;
    readonly prompt: { readonly name: string };
    readonly params: Readonly<Record<string, unknown>>;
  }

  interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  interface SessionInstance {
    destroy(): Promise<void>;
  }

  interface KoaContext {
    readonly cookies: { set(name: string, value: null): void };
  }

  export default class Provider {
    constructor(issuer: string, configuration: object);
    callback(): Handler;
    createContext(req: IncomingMessage, res: ServerResponse): KoaContext;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: object,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    readonly Grant: {
      new (init: { clientId: string; accountId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    readonly Session: { get(ctx: KoaContext): Promise<SessionInstance> };
  }
}
