import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { NotFoundError } from '../../errors';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The explorer's files under /explorer/, from the directory the explorer's build writes. Its
 * scripts are named by content hash, so they are cached for a year; index.html is revalidated
 * every time, so a new build is seen at once. Gzip copies made by the build are sent to
 * browsers that accept them. The API stays the only way to data: these are static files.
 */
export function explorerAssets(directory: string | undefined): FastifyPluginAsync {
  return async (app) => {
    app.get('/explorer', { schema: { operationId: 'getExplorer', hide: true } }, async (_request, reply) => reply.redirect('/explorer/'));
    app.get('/explorer/*', { schema: { operationId: 'getExplorer', hide: true } }, async (request, reply) => {
      const path = (request.params as { '*': string })['*'] || 'index.html';
      if (!directory) throw new NotFoundError('the explorer is not built in this installation; run `npm run build` and restart the gateway');
      const file = normalize(join(directory, path));
      if (!file.startsWith(directory + sep) || !contentTypes[extname(file)]) throw new NotFoundError(`no explorer file ${path}`);
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      const body = (gzip ? await readFile(`${file}.gz`).catch(() => undefined) : undefined) ?? await readFile(file).catch(() => undefined);
      if (!body) {
        throw new NotFoundError(path === 'index.html' ? 'the explorer is not built in this installation; run `npm run build` and restart the gateway' : `no explorer file ${path}`);
      }
      return send(reply, body, file, gzip && body[0] === 0x1f && body[1] === 0x8b);
    });
  };
}

function send(reply: FastifyReply, body: Buffer, file: string, gzipped: boolean): FastifyReply {
  reply
    .header('content-type', contentTypes[extname(file)]!)
    .header('cache-control', /-[A-Z0-9]{8}\.(js|css)$/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
  if (gzipped) reply.header('content-encoding', 'gzip');
  return reply.send(body);
}
