// Bookinfo's details service: the book's facts, as Istio's sample serves them.
import { sendJson, serve } from './mesh-client.js';

serve('details', (req, res) => {
  const url = new URL(req.url ?? '/', 'http://details');
  const match = /^\/details\/(\d+)$/.exec(url.pathname);
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'Details is healthy' });
  if (!match) return sendJson(res, 404, { error: 'please provide a numeric product id' });
  sendJson(res, 200, {
    id: Number(match[1]),
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  });
});
