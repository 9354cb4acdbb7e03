// `cogcf dev --site <dir>`: serves a folder the way a bucket behind
// CloudFront would (GET and HEAD, index.html for folders, no listings), and
// nothing outside it: a request path is mapped segment by segment, and the
// file found must still lie inside the folder once symlinks are resolved.
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { escapeHtml } from '../../../runtime/core/html.js';
import { UsageError } from '../../errors.js';
import { contentTypeOf } from './content-types.js';
import { serveLocally, type RunningOrigin } from './local-server.js';
import { sendPage } from './page.js';

const INDEX = 'index.html';

/**
 * The decoded path segments, or undefined for a path we refuse to map: one
 * that is not origin-form, is badly encoded, or has a segment that is a dot
 * name (`.`, `..`, hidden files; `.well-known` excepted) or would hold a
 * separator or NUL once decoded (`..%2f`, `%5c`, `%2fetc`). Empty segments
 * (`//`) are dropped, so no segment can turn the path absolute.
 */
export function segmentsOf(rawPath: string): string[] | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '') continue;
    if (/[/\\\0]/.test(segment) || (segment.startsWith('.') && segment !== '.well-known')) return undefined;
    segments.push(segment);
  }
  return segments;
}

/** The real path of `path` if it exists inside `root` (itself a real path), after every symlink. */
async function insideRoot(root: string, path: string): Promise<{ real: string; stats: Stats } | undefined> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return undefined;
  }
  if (real !== root && !real.startsWith(root + sep)) return undefined;
  return { real, stats: await stat(real) };
}

function sendFile(req: IncomingMessage, res: ServerResponse, real: string, stats: Stats, name: string): void {
  res.writeHead(200, {
    'content-type': contentTypeOf(name),
    'content-length': stats.size,
    'last-modified': stats.mtime.toUTCString(),
    // Always revalidate: the folder is being edited while `cogcf dev` runs.
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else pipeline(createReadStream(real), res, () => {});
}

const sendNotFound = (res: ServerResponse, path: string): void =>
  sendPage(res, 404, 'Not found', `<p>There is no file at <code>${escapeHtml(path)}</code> in this site.</p>`);

async function resolveRoot(dir: string): Promise<string> {
  const hint = 'Pass --site a folder that holds your site (with an index.html).';
  let root: string;
  try {
    root = await realpath(resolve(dir));
  } catch (cause) {
    throw new UsageError(`The site folder ${dir} does not exist.`, { hint, cause });
  }
  if (!(await stat(root)).isDirectory()) throw new UsageError(`The site folder ${dir} is not a folder.`, { hint });
  return root;
}

export async function startStaticSite(dir: string): Promise<RunningOrigin> {
  const root = await resolveRoot(dir);

  return serveLocally(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendPage(res, 405, 'Method not allowed', '<p>A static site answers GET and HEAD only.</p>', { allow: 'GET, HEAD' });
      return;
    }
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    const segments = segmentsOf(rawPath);
    const found = segments && (await insideRoot(root, join(root, ...segments)));
    if (!segments || !found) return sendNotFound(res, rawPath);

    if (found.stats.isFile()) return sendFile(req, res, found.real, found.stats, segments.at(-1) ?? INDEX);
    // A folder: its index.html, at a URL ending in `/` so the page's relative links resolve inside the folder.
    if (!rawPath.endsWith('/')) {
      const canonical = `/${segments.map(encodeURIComponent).join('/')}/`;
      res.writeHead(301, { location: canonical + (queryAt === -1 ? '' : target.slice(queryAt)), 'content-length': 0 });
      res.end();
      return;
    }
    const index = await insideRoot(root, join(found.real, INDEX));
    if (!index?.stats.isFile()) return sendNotFound(res, rawPath);
    sendFile(req, res, index.real, index.stats, INDEX);
  });
}
