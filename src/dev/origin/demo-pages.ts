// The demo site's pages: who the barrier says you are, a deep link, an admin
// area for path rules. Every value from the request goes through escapeHtml.
import { escapeHtml } from '../../../runtime/core/html.js';
import { decodeHeaderValue, groupsOf, type OriginIdentity } from './identity.js';
import { renderDocument } from './page.js';

export interface DemoRequest {
  /** Path and query exactly as received. */
  readonly target: string;
  readonly path: string;
  readonly query: string;
  readonly identity: OriginIdentity | undefined;
  readonly identityHeaders: readonly [name: string, value: string][];
}

const LOGOUT_PATH = '/_identity/logout';
const LOGIN_PATH = '/_identity/login';

const NAV: readonly { readonly href: string; readonly label: string; readonly section: string }[] = [
  { href: '/', label: 'Who am I', section: '/' },
  { href: '/docs/page?x=1', label: 'Docs', section: '/docs' },
  { href: '/admin/', label: 'Admin', section: '/admin' },
  { href: '/whoami.json', label: 'whoami.json', section: '/whoami.json' },
];

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

const chips = (groups: readonly string[]): string =>
  groups.length === 0 ? '<span class=muted>none</span>' : groups.map((g) => `<span class=chip>${escapeHtml(g)}</span>`).join('');

function header(request: DemoRequest, section: string): string {
  const links = NAV.map(
    (item) => `<a href="${item.href}"${item.section === section ? ' aria-current=page' : ''}>${item.label}</a>`,
  ).join('');
  const account = request.identity
    ? `<span class=muted>${escapeHtml(request.identity.email)}</span>` +
      `<form method=post action="${LOGOUT_PATH}"><button type=submit>Sign out</button></form>`
    : `<a class=button href="${escapeHtml(`${LOGIN_PATH}?path=${encodeURIComponent(request.target)}`)}">Sign in</a>`;
  return (
    '<a class=brand href="/"><img src="/assets/logo.svg" alt="" width=28 height=28>cogcf demo</a>' +
    `<nav aria-label=Pages>${links}</nav>${account}`
  );
}

const page = (request: DemoRequest, section: string, title: string, main: string): string =>
  renderDocument(`${title} · cogcf demo`, header(request, section), main);

function headerTable(headers: DemoRequest['identityHeaders']): string {
  if (headers.length === 0) return '<p class=muted>None arrived with this request.</p>';
  const rows = headers
    .map(([name, value]) => {
      const decoded = name === 'x-barrier-groups' ? chips(groupsOf(value)) : code(decodeHeaderValue(value));
      return `<tr><td>${code(name)}</td><td>${code(value)}</td><td>${decoded}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>Header</th><th>Value as sent</th><th>Decoded</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function homePage(request: DemoRequest): string {
  const { identity } = request;
  const who = identity
    ? `<h1>Signed in as <strong>${escapeHtml(identity.email)}</strong></h1><dl>` +
      `<dt>Subject (sub)</dt><dd>${code(identity.sub)}</dd>` +
      `<dt>Groups</dt><dd>${chips(identity.groups)}</dd>` +
      `<dt>Session handle</dt><dd>${code(identity.session)}</dd></dl>`
    : '<h1>Not signed in</h1><p>No identity headers came with this request: it reached the origin on a public path, ' +
      'or not through the barrier.</p>';
  return page(
    request,
    '/',
    'Who am I',
    `<section class=card><p class=eyebrow>Who am I</p>${who}</section>` +
      '<section class=card><h2>Identity headers this origin received</h2>' +
      headerTable(request.identityHeaders) +
      '<p class=muted>The barrier deletes every <code>x-barrier-*</code> header a browser sends and sets these itself. ' +
      'Values are percent-encoded outside printable ASCII: decode them with <code>decodeURIComponent</code> ' +
      '(for groups, split on commas first). The same as JSON: <a href="/whoami.json">/whoami.json</a>.</p></section>',
  );
}

export function docsPage(request: DemoRequest): string {
  const params = [...new URLSearchParams(request.query)];
  const table = params.length
    ? '<table><thead><tr><th>Parameter</th><th>Value</th></tr></thead><tbody>' +
      params.map(([name, value]) => `<tr><td>${code(name)}</td><td>${code(value)}</td></tr>`).join('') +
      '</tbody></table>'
    : '';
  return page(
    request,
    '/docs',
    'Docs',
    `<section class=card><p class=eyebrow>Deep link</p><h1>${escapeHtml(request.path)}</h1>` +
      '<p>This page shows its own path and query string: open it signed out, sign in, and you land back here with both intact.</p>' +
      `<dl><dt>Path</dt><dd>${code(request.path)}</dd>` +
      `<dt>Query</dt><dd>${request.query ? code(`?${request.query}`) : '<span class=muted>none</span>'}</dd></dl>` +
      `${table}</section>`,
  );
}

export const adminPage = (request: DemoRequest): string =>
  page(
    request,
    '/admin',
    'Admin',
    '<section class=card><p class=eyebrow>Path rules</p><h1>Admin area</h1>' +
      `<p>An example for path rules: with ${code('{"prefix": "/admin/", "allowedGroups": ["admins"]}')} in the ` +
      "barrier's config, only members of those groups reach this page; everyone else gets the barrier's 403 page.</p>" +
      `<dl><dt>Your groups</dt><dd>${chips(request.identity?.groups ?? [])}</dd></dl></section>`,
  );

export const notFoundPage = (request: DemoRequest): string =>
  page(
    request,
    '',
    'Not found',
    `<section class=card><p class=eyebrow>404</p><h1>Not found</h1><p>The demo site has no page at ${code(request.path)}.</p></section>`,
  );
