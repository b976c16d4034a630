// Bookinfo's product page: calls details and reviews through the sidecar and renders the page, as
// Istio's sample does: the same timeouts (details 3 s; reviews 3 s, tried twice, which is the bug
// the fault-injection task exposes), the same error texts, and the user (`/login`) sent on as the
// `end-user` header that Istio's routing tasks match.
/* global Buffer, URLSearchParams */
import { forwardedHeaders, get, sendJson, serve } from './mesh-client.js';

const service = (name) => `http://${process.env[`${name.toUpperCase()}_HOSTNAME`] || name}:${process.env[`${name.toUpperCase()}_SERVICE_PORT`] || '9080'}`;
const detailsUrl = service('details');
const reviewsUrl = service('reviews');

const PRODUCT = {
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml: '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play.',
};

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function userOf(req) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'user' && v.length > 0) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The headers for calls made on behalf of `req`: Istio's forwarded set, plus `end-user` when someone signed in. */
function outboundHeaders(req) {
  const headers = forwardedHeaders(req.headers);
  const user = userOf(req);
  if (user) headers['end-user'] = user;
  return headers;
}

async function productDetails(id, headers) {
  try {
    const res = await get(`${detailsUrl}/details/${id}`, { headers, timeoutMs: 3000 });
    if (res.status === 200) return { status: 200, details: JSON.parse(res.body) };
    return { status: res.status, error: 'Sorry, product details are currently unavailable for this book.' };
  } catch {
    return { status: 500, error: 'Sorry, product details are currently unavailable for this book.' };
  }
}

async function productReviews(id, headers) {
  let status = 500;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await get(`${reviewsUrl}/reviews/${id}`, { headers, timeoutMs: 3000 });
      if (res.status === 200) return { status: 200, reviews: JSON.parse(res.body) };
      status = res.status;
    } catch {
      status = 500;
    }
  }
  return { status, error: 'Sorry, product reviews are currently unavailable for this book.' };
}

function stars(rating) {
  if (!rating) return '';
  if (rating.error) return `<p><i>${escape(rating.error)}</i></p>`;
  const full = '★'.repeat(rating.stars);
  const empty = '☆'.repeat(5 - rating.stars);
  return `<p><font color="${escape(rating.color)}">${full}${empty}</font></p>`;
}

function page(user, details, reviews) {
  const detailsHtml = details.error
    ? `<h4 class="text-center">Error fetching product details!</h4><p>${escape(details.error)}</p>`
    : `<h4 class="text-center">Book Details</h4><dl>${[['Type', details.details.type], ['Pages', details.details.pages], ['Publisher', details.details.publisher], ['Language', details.details.language], ['ISBN-10', details.details['ISBN-10']], ['ISBN-13', details.details['ISBN-13']]].map(([k, v]) => `<dt>${k}:</dt><dd>${escape(v)}</dd>`).join('')}</dl>`;
  const reviewsHtml = reviews.error
    ? `<h4 class="text-center">Error fetching product reviews!</h4><p>${escape(reviews.error)}</p>`
    : `<h4 class="text-center">Book Reviews</h4>${reviews.reviews.reviews.map((r) => `<blockquote><p>${escape(r.text)}</p><small>${escape(r.reviewer)}</small>${stars(r.rating)}</blockquote>`).join('')}<dl><dt>Reviews served by:</dt><u>${escape(reviews.reviews.podname)}</u></dl>`;
  const account = user
    ? `<p>Signed in as <b>${escape(user)}</b> · <a href="/logout">sign out</a></p>`
    : '<form method="post" action="/login">User: <input name="username"> Password: <input name="passwd" type="password"> <button type="submit">Sign in</button></form>';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Simple Bookstore App</title></head>
<body>
<nav><b>BookInfo Sample</b> ${account}</nav>
<h3>${escape(PRODUCT.title)}</h3>
<p>Summary: ${PRODUCT.descriptionHtml}</p>
<div class="details">${detailsHtml}</div>
<div class="reviews">${reviewsHtml}</div>
</body></html>
`;
}

function readForm(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
  });
}

function redirect(res, cookie) {
  res.writeHead(302, { location: '/productpage', 'set-cookie': cookie, 'content-length': 0 });
  res.end();
}

serve('productpage', async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://productpage');
  const path = url.pathname;
  const headers = outboundHeaders(req);
  if (path === '/health') return sendJson(res, 200, { status: 'Product page is healthy' });
  if (path === '/login') {
    const form = req.method === 'POST' ? await readForm(req) : url.searchParams;
    const user = (form.get('username') ?? '').trim();
    return redirect(res, user ? `user=${encodeURIComponent(user)}; Path=/; HttpOnly` : 'user=; Path=/; Max-Age=0');
  }
  if (path === '/logout') return redirect(res, 'user=; Path=/; Max-Age=0');
  if (path === '/api/v1/products') return sendJson(res, 200, [{ id: PRODUCT.id, title: PRODUCT.title, descriptionHtml: PRODUCT.descriptionHtml }]);
  const api = /^\/api\/v1\/products\/(\d+)(\/reviews|\/ratings)?$/.exec(path);
  if (api) {
    const id = Number(api[1]);
    if (!api[2]) {
      const d = await productDetails(id, headers);
      return sendJson(res, d.status, d.details ?? { error: d.error });
    }
    const r = await productReviews(id, headers);
    if (api[2] === '/reviews') return sendJson(res, r.status, r.reviews ?? { error: r.error });
    const ratings = Object.fromEntries((r.reviews?.reviews ?? []).map((x) => [x.reviewer, x.rating ?? {}]));
    return sendJson(res, r.status, r.reviews ? { id, ratings } : { error: r.error });
  }
  if (path === '/productpage' || path === '/') {
    const [details, reviews] = await Promise.all([productDetails(PRODUCT.id, headers), productReviews(PRODUCT.id, headers)]);
    const body = page(userOf(req), details, reviews);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    return res.end(body);
  }
  sendJson(res, 404, { error: `no page ${path}` });
});
