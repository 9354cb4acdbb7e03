// The pages of the local identity provider: its sign-in form (what the
// Cognito hosted UI shows) and its error page. One inline stylesheet, allowed
// by its hash, and nothing external, so the pages work offline and the CSP
// can forbid scripts and framing. Everything not written here is escaped.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../../runtime/core/html.js';

const STYLE = `
:root{color-scheme:light dark;--bg:#eef1f5;--fg:#1c2024;--muted:#5f6873;--card:#fff;--line:#d5dae1;--accent:#2563eb;--accent-fg:#fff;--alert:#b42318;--alert-bg:#fef3f2}
@media (prefers-color-scheme:dark){:root{--bg:#0e1014;--fg:#e6e8eb;--muted:#98a1ac;--card:#16191e;--line:#2f353d;--accent:#6ea0ff;--accent-fg:#0e1014;--alert:#fda29b;--alert-bg:#3a1614}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;padding:1.5rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{width:100%;max-width:23rem;background:var(--card);border:1px solid var(--line);border-radius:14px;padding:2rem;box-shadow:0 10px 30px rgba(16,24,40,.08)}
.eyebrow{margin:0 0 .35rem;font-size:.72rem;font-weight:600;letter-spacing:.07em;text-transform:uppercase;color:var(--accent)}
h1{margin:0;font-size:1.5rem;line-height:1.3}
.client{margin:.25rem 0 1.5rem;color:var(--muted);overflow-wrap:anywhere}
.client strong{color:var(--fg);font-weight:600}
[role=alert]{margin:0 0 1.25rem;padding:.6rem .8rem;border-radius:8px;background:var(--alert-bg);color:var(--alert);font-size:.9rem}
form p{margin:0 0 1rem}
label{display:block;margin:0 0 .3rem;font-size:.88rem;font-weight:500}
input{width:100%;font:inherit;padding:.55rem .7rem;border:1px solid var(--line);border-radius:8px;background:transparent;color:inherit}
input:focus{outline:2px solid var(--accent);outline-offset:-1px;border-color:var(--accent)}
button{width:100%;margin-top:.5rem;font:inherit;font-weight:600;padding:.6rem;border:0;border-radius:8px;background:var(--accent);color:var(--accent-fg);cursor:pointer}
button:hover{filter:brightness(1.08)}
footer{margin-top:1.5rem;padding-top:1rem;border-top:1px solid var(--line);font-size:.8rem;color:var(--muted)}
pre{margin:0 0 1rem;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
`;

// No form-action: the sign-in POST is answered with a redirect to the app's
// callback on another origin, and browsers check form-action against redirects.
const CONTENT_SECURITY_POLICY =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; ` +
  "base-uri 'none'; frame-ancestors 'none'";

/** The security headers of every page; the caller adds status and type. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const FOOTER = '<footer>Local identity provider of <code>cogcf dev</code>: it stands in for the Cognito hosted UI.</footer>';

function document(title: string, main: string): string {
  return (
    '<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content="width=device-width,initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${main}${FOOTER}</main></body></html>`
  );
}

export interface LoginPageInput {
  /** The interaction the form posts back to. */
  readonly uid: string;
  /** The app client's display name. */
  readonly clientName: string;
  /** Shown above the form, e.g. after a wrong password. */
  readonly message?: string;
  /** What the user typed last time, so only the password has to be typed again. */
  readonly username?: string;
}

export function loginPage({ uid, clientName, message, username }: LoginPageInput): string {
  return document(
    'Sign in',
    '<p class=eyebrow>Local user pool</p><h1>Sign in</h1>' +
      `<p class=client>to continue to <strong>${escapeHtml(clientName)}</strong></p>` +
      (message === undefined ? '' : `<p role=alert>${escapeHtml(message)}</p>`) +
      `<form method=post action="/login/${escapeHtml(uid)}">` +
      '<p><label for=username>Username</label> <input id=username name=username autocomplete=username ' +
      `autocapitalize=none spellcheck=false required${username ? ` value="${escapeHtml(username)}"` : ' autofocus'}></p>` +
      '<p><label for=password>Password</label> <input id=password name=password type=password autocomplete=current-password ' +
      `required${username ? ' autofocus' : ''}></p>` +
      '<p><button type=submit>Sign in</button></p></form>',
  );
}

/** An error the provider or its sign-in page ran into: what happened, and the way back. */
export function errorPage(error: string, description?: string): string {
  return document(
    'Sign-in error',
    '<p class=eyebrow>Local user pool</p><h1>Sign-in error</h1>' +
      `<p class=client>The sign-in could not go on.</p><pre>${escapeHtml(error)}${description ? `: ${escapeHtml(description)}` : ''}</pre>` +
      '<p>Go back to the site and sign in again.</p>',
  );
}

export function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) }).end(html);
}
