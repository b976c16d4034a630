// Bookinfo's ratings service: the stars each reviewer gave, as Istio's sample serves them.
import { sendJson, serve } from './mesh-client.js';

serve('ratings', (req, res) => {
  const url = new URL(req.url ?? '/', 'http://ratings');
  const match = /^\/ratings\/(\d+)$/.exec(url.pathname);
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'Ratings is healthy' });
  if (!match) return sendJson(res, 400, { error: 'please provide a numeric product ID' });
  sendJson(res, 200, { id: Number(match[1]), ratings: { Reviewer1: 5, Reviewer2: 4 } });
});
