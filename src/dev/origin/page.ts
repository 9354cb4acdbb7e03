// The HTML every origin page shares: one inline stylesheet allowed by its
// hash, so the CSP can forbid everything else (no scripts, no external
// assets, no framing). Callers pass markup they built with escapeHtml.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../../../runtime/core/html.js';

const STYLE = `
:root{color-scheme:light dark;--bg:#f5f6f8;--fg:#1c2024;--muted:#5f6873;--card:#fff;--line:#e2e5e9;--accent:#4f46e5;--accent-fg:#fff;--chip:#eceefe;--code:#f0f2f4}
@media (prefers-color-scheme:dark){:root{--bg:#0e1014;--fg:#e6e8eb;--muted:#98a1ac;--card:#16191e;--line:#2a2f36;--accent:#8b93f8;--accent-fg:#0e1014;--chip:#252a48;--code:#1e2228}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.75rem 1.5rem;padding:.75rem 1.5rem;background:var(--card);border-bottom:1px solid var(--line)}
header form{margin:0}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:600;color:inherit;text-decoration:none}
nav{display:flex;flex-wrap:wrap;gap:1rem;flex:1}
nav a{color:var(--muted);text-decoration:none}
nav a:hover,nav a[aria-current=page]{color:var(--fg)}
main{max-width:54rem;margin:2rem auto;padding:0 1.5rem;display:grid;gap:1.25rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem;min-width:0}
h1{font-size:1.45rem;font-weight:500;line-height:1.3;margin:0 0 1rem;overflow-wrap:anywhere}
h1 strong{font-weight:700}
h2{font-size:1rem;margin:0 0 .75rem}
p{margin:0 0 .75rem}
a{color:var(--accent)}
p:last-child{margin-bottom:0}
.eyebrow{margin:0 0 .25rem;font-size:.75rem;font-weight:600;letter-spacing:.06em;text-transform:uppercase;color:var(--accent)}
.muted{color:var(--muted)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1.25rem;margin:0}
dt{color:var(--muted)}
dd{margin:0;min-width:0;overflow-wrap:anywhere}
code{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:.1rem .35rem;border-radius:4px;overflow-wrap:anywhere}
.chip{display:inline-block;background:var(--chip);border-radius:999px;padding:.05rem .65rem;margin:0 .3rem .3rem 0;font-size:.85rem}
table{width:100%;border-collapse:collapse;font-size:.9rem;table-layout:fixed}
dl+table{margin-top:1.25rem}
table+p{margin-top:1rem}
th:first-child{width:30%}
th,td{text-align:left;padding:.5rem;border-top:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{color:var(--muted);font-weight:500;border-top:0}
button,.button{font:inherit;font-weight:500;padding:.4rem .95rem;border-radius:8px;cursor:pointer;text-decoration:none;display:inline-block}
button{border:1px solid var(--line);background:var(--card);color:var(--fg)}
button:hover{border-color:var(--accent);color:var(--accent)}
.button{border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg)}
`;

// form-action is left out on purpose: the sign-out POST is answered with a
// redirect to the identity provider's /logout, and browsers check
// form-action against redirects too. Nothing else here can submit a form.
export const CONTENT_SECURITY_POLICY =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; ` +
  "img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** A whole page; `title` is text, `header` and `main` are markup. */
export const renderDocument = (title: string, header: string, main: string): string =>
  '<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content="width=device-width,initial-scale=1">' +
  `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
  `<body><header>${header}</header><main>${main}</main></body></html>`;

/** Sends one of our pages. Pages may show who is signed in, so nothing caches them. */
export function sendHtml(res: ServerResponse, status: number, html: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(html);
}

/** A plain message page (not found, bad gateway, …); `body` is markup. */
export const sendPage = (
  res: ServerResponse,
  status: number,
  title: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void =>
  sendHtml(
    res,
    status,
    renderDocument(title, '<span class=brand>cogcf dev</span>', `<section class=card><h1>${escapeHtml(title)}</h1>${body}</section>`),
    headers,
  );
