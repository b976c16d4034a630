// Bookinfo's reviews service, one program for its three versions, set as in Istio's sample by
// SERVICE_VERSION, ENABLE_RATINGS and STAR_COLOR: v1 shows no stars, v2 black stars, v3 red stars
// (v2 and v3 ask ratings for them).
import { forwardedHeaders, get, sendJson, serve } from './mesh-client.js';

const version = process.env.SERVICE_VERSION || 'v1';
const ratingsEnabled = process.env.ENABLE_RATINGS === 'true';
const starColor = process.env.STAR_COLOR || 'black';
const ratingsUrl = `http://${process.env.RATINGS_HOSTNAME || 'ratings'}:${process.env.RATINGS_SERVICE_PORT || '9080'}`;
const podName = process.env.POD_NAME || `reviews-${version}`;
// Istio's reviews waits 10 s for ratings with black stars and 2.5 s with red ones.
const ratingsTimeoutMs = starColor === 'black' ? 10_000 : 2_500;

const REVIEWS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
];

async function ratingsOf(productId, headers) {
  try {
    const res = await get(`${ratingsUrl}/ratings/${productId}`, { headers, timeoutMs: ratingsTimeoutMs });
    if (res.status !== 200) return undefined;
    return JSON.parse(res.body).ratings;
  } catch {
    return undefined;
  }
}

serve(`reviews-${version}`, async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://reviews');
  const match = /^\/reviews\/(\d+)$/.exec(url.pathname);
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'Reviews is healthy' });
  if (!match) return sendJson(res, 404, { error: 'please provide a numeric product id' });
  const productId = Number(match[1]);
  const ratings = ratingsEnabled ? await ratingsOf(productId, forwardedHeaders(req.headers)) : undefined;
  const reviews = REVIEWS.map((r) => {
    if (!ratingsEnabled) return r;
    const stars = ratings?.[r.reviewer];
    return { ...r, rating: stars === undefined ? { error: 'Ratings service is currently unavailable' } : { stars, color: starColor } };
  });
  sendJson(res, 200, { id: String(productId), podname: podName, clustername: 'null', reviews });
});
