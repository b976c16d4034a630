import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { errorsOf, problemsOf } from './testing.js';

type Spec = Record<string, unknown>;

function virtualService(spec: Spec): string {
  return stringify({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec,
  });
}

/** A mesh VirtualService for `reviews` whose one HTTP rule is a plain route with `rule` merged in. */
function httpRule(rule: Spec, spec: Spec = {}): Spec {
  return { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }], ...rule }], ...spec };
}

/** Asserts that some problem is at exactly `path` and matches `gist` (which sees the whole line). */
function assertProblemAt(problems: string[], path: string, gist: RegExp): void {
  assert.ok(
    problems.some((p) => p.replace(/^warning: /, '').startsWith(`${path}: `) && gist.test(p)),
    `expected a problem at ${path} matching ${gist}, got:\n  ${problems.join('\n  ')}`,
  );
}

test('Should accept weighted routing whose weights are relative, as in the Istio docs (75/25)', () => {
  assert.deepEqual(problemsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 75
    - destination:
        host: reviews
        subset: v3
      weight: 25
`), []);
  const relative = httpRule({ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 1 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 3 }] });
  assert.deepEqual(problemsOf(virtualService(relative)), []);
});

test('Should accept a header match on end-user with a fallback route', () => {
  assert.deepEqual(problemsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - match:
    - headers:
        end-user:
          exact: jason
      uri:
        prefix: /reviews
      withoutHeaders:
        x-canary:
          regex: "*"
    route:
    - destination:
        host: reviews
        subset: v2
  - route:
    - destination:
        host: reviews
        subset: v1
`), []);
});

test('Should accept fault injection and retries as the Istio docs write them', () => {
  assert.deepEqual(problemsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    fault:
      delay:
        percentage:
          value: 100.0
        fixedDelay: 7s
      abort:
        percentage:
          value: 10
        httpStatus: 500
    route:
    - destination:
        host: ratings
        subset: v1
  - route:
    - destination:
        host: ratings
        subset: v1
    timeout: 10s
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error,connect-failure,refused-stream,503
`), []);
});

test('Should accept a gateway VirtualService with the host "*", redirects, rewrites, CORS and a mirror', () => {
  assert.deepEqual(problemsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
  namespace: bookinfo
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway, istio-system/ingress]
  http:
  - match:
    - uri: {exact: /old}
    redirect: {uri: /productpage, redirectCode: 308}
  - match:
    - uri: {prefix: /api}
    rewrite: {uri: /v1/api, authority: api.internal}
    corsPolicy:
      allowOrigins: [{exact: "https://example.com"}, {regex: "https://.*\\\\.example\\\\.com"}]
      allowMethods: [GET, POST]
      allowHeaders: [x-custom-header]
      maxAge: 24h
    mirror: {host: productpage-shadow}
    mirrorPercentage: {value: 5}
    headers:
      request:
        set: {x-forwarded-env: "%ENVIRONMENT(STAGE)%"}
    route:
    - destination: {host: productpage, port: {number: 9080}}
  - match:
    - uri: {prefix: /health}
    directResponse: {status: 200, body: {string: ok}}
`), []);
});

test('Should accept TCP and TLS rules whose SNI hosts fall within the VirtualService hosts', () => {
  assert.deepEqual(problemsOf(virtualService({
    hosts: ['*.bookinfo.com'],
    gateways: ['mygateway'],
    tls: [{ match: [{ port: 443, sniHosts: ['login.bookinfo.com'] }], route: [{ destination: { host: 'login.prod.svc.cluster.local' } }] }],
    tcp: [{ match: [{ port: 27017, destinationSubnets: ['10.0.0.0/8'] }], route: [{ destination: { host: 'mongo.backup.svc.cluster.local', port: { number: 5555 } } }] }],
  })), []);
});

test('Should accept a root VirtualService that delegates and a delegate without hosts', () => {
  assert.deepEqual(problemsOf(virtualService({
    hosts: ['bookinfo.com'],
    http: [{ match: [{ uri: { prefix: '/reviews' } }], delegate: { name: 'reviews', namespace: 'nsa' } }],
  })), []);
  assert.deepEqual(problemsOf(virtualService({ http: [{ route: [{ destination: { host: 'reviews' } }] }] })), []);
});

interface Case {
  readonly name: string;
  readonly spec: Spec;
  readonly path: string;
  readonly gist: RegExp;
}

const CASES: Case[] = [
  // Hosts and gateways.
  { name: 'Should reject the host "*" for a VirtualService that applies to the mesh', spec: httpRule({}, { hosts: ['*'] }), path: 'spec.hosts[0]', gist: /"\*" is not allowed .*mesh/ },
  { name: 'Should reject the host "*" when "mesh" is among the gateways', spec: httpRule({}, { hosts: ['*'], gateways: ['mesh', 'ingress'] }), path: 'spec.hosts[0]', gist: /not allowed/ },
  { name: 'Should reject a host that is not a domain, short name or IP', spec: httpRule({}, { hosts: ['reviews_v1'] }), path: 'spec.hosts[0]', gist: /invalid host/ },
  { name: 'Should reject a partial wildcard host', spec: httpRule({}, { hosts: ['rev*.example.com'] }), path: 'spec.hosts[0]', gist: /wildcard/ },
  { name: 'Should reject hosts that overlap', spec: httpRule({}, { hosts: ['*.example.com', 'a.example.com'] }), path: 'spec.hosts[1]', gist: /overlaps host "\*\.example\.com"/ },
  { name: 'Should reject a gateway reference with an invalid namespace', spec: httpRule({}, { gateways: ['Istio_System/ingress'] }), path: 'spec.gateways[0]', gist: /invalid gateway namespace/ },
  { name: 'Should reject a gateway reference with an empty name', spec: httpRule({}, { gateways: ['istio-system/'] }), path: 'spec.gateways[0]', gist: /namespace\/name/ },
  { name: 'Should reject a delegate VirtualService (no hosts) that lists gateways', spec: { gateways: ['ingress'], http: [{ route: [{ destination: { host: 'reviews' } }] }] }, path: 'spec.gateways', gist: /without hosts is a delegate/ },
  { name: 'Should reject a delegate VirtualService (no hosts) with TCP rules', spec: { tcp: [{ route: [{ destination: { host: 'db' } }] }] }, path: 'spec.tcp', gist: /HTTP rules only/ },
  { name: 'Should reject a VirtualService without any http, tcp or tls rule', spec: { hosts: ['reviews'] }, path: 'spec', gist: /at least one http, tcp or tls rule/ },
  // What a rule does.
  { name: 'Should reject a VirtualService that sets both redirect and route', spec: httpRule({ redirect: { uri: '/v2' } }), path: 'spec.http[0].route', gist: /cannot be set with redirect/ },
  { name: 'Should reject a rule that sets both directResponse and route', spec: httpRule({ directResponse: { status: 503 } }), path: 'spec.http[0].route', gist: /cannot be set with directResponse/ },
  { name: 'Should reject a rule that sets both redirect and directResponse', spec: httpRule({ route: undefined, redirect: { uri: '/x' }, directResponse: { status: 200 } }), path: 'spec.http[0].directResponse', gist: /cannot be set with redirect/ },
  { name: 'Should reject a rewrite on a redirecting rule', spec: httpRule({ route: undefined, redirect: { uri: '/x' }, rewrite: { uri: '/y' } }), path: 'spec.http[0].rewrite', gist: /cannot be set with redirect/ },
  { name: 'Should reject a fault on a rule that responds directly', spec: httpRule({ route: undefined, directResponse: { status: 200 }, fault: { abort: { httpStatus: 500 } } }), path: 'spec.http[0].fault', gist: /cannot be set with directResponse/ },
  { name: 'Should reject a rule that neither routes, redirects, responds nor delegates', spec: httpRule({ route: undefined, timeout: '1s' }), path: 'spec.http[0]', gist: /needs one of route, redirect, directResponse or delegate/ },
  { name: 'Should reject a delegating rule that also routes', spec: httpRule({ delegate: { name: 'reviews-v2' } }), path: 'spec.http[0].route', gist: /cannot be set with delegate/ },
  { name: 'Should reject a delegate without a name', spec: httpRule({ route: undefined, delegate: { namespace: 'nsa' } }), path: 'spec.http[0].delegate.name', gist: /name of the delegate VirtualService is required/ },
  { name: 'Should reject a delegate VirtualService that delegates again', spec: { http: [{ delegate: { name: 'other' } }] }, path: 'spec.http[0].delegate', gist: /cannot delegate again/ },
  // Destinations.
  { name: 'Should reject the destination host "*"', spec: httpRule({ route: [{ destination: { host: '*' } }] }), path: 'spec.http[0].route[0].destination.host', gist: /not a destination/ },
  { name: 'Should reject an IP address as destination host', spec: httpRule({ route: [{ destination: { host: '10.0.0.1' } }] }), path: 'spec.http[0].route[0].destination.host', gist: /must not be all digits/ },
  { name: 'Should reject a subset name that is not a DNS-1123 label', spec: httpRule({ route: [{ destination: { host: 'reviews', subset: 'V1.0' } }] }), path: 'spec.http[0].route[0].destination.subset', gist: /invalid subset name/ },
  { name: 'Should reject a destination port out of range', spec: httpRule({ route: [{ destination: { host: 'reviews', port: { number: 70000 } } }] }), path: 'spec.http[0].route[0].destination.port.number', gist: /between 1 and 65535/ },
  { name: 'Should reject a negative weight', spec: httpRule({ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: -10 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 110 }] }), path: 'spec.http[0].route[0].weight', gist: /must not be negative/ },
  { name: 'Should reject several destinations whose weights are all zero', spec: httpRule({ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 0 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 0 }] }), path: 'spec.http[0].route', gist: /weight 0/ },
  { name: 'Should reject a pseudo-header added to a destination request', spec: httpRule({ route: [{ destination: { host: 'reviews' }, headers: { request: { add: { ':method': 'GET' } } } }] }), path: 'spec.http[0].route[0].headers.request.add.:method', gist: /pseudo-header/ },
  // Matches.
  { name: 'Should reject a URI regex that is not RE2', spec: httpRule({ match: [{ uri: { regex: '/api/(?=v1)' } }] }), path: 'spec.http[0].match[0].uri.regex', gist: /invalid RE2 regex/ },
  { name: 'Should reject a header regex that does not compile', spec: httpRule({ match: [{ headers: { 'end-user': { regex: '[a-' } } }] }), path: 'spec.http[0].match[0].headers.end-user.regex', gist: /invalid RE2 regex/ },
  { name: 'Should reject a header name with characters Istio does not match on', spec: httpRule({ match: [{ headers: { 'end user': { exact: 'jason' } } }] }), path: 'spec.http[0].match[0].headers.end user', gist: /not a valid header name/ },
  { name: 'Should warn that an uppercase header name is matched in lowercase', spec: httpRule({ match: [{ headers: { 'End-User': { exact: 'jason' } } }] }), path: 'spec.http[0].match[0].headers.End-User', gist: /warning: .*write "end-user"/ },
  { name: 'Should reject a withoutHeaders name that is invalid', spec: httpRule({ match: [{ withoutHeaders: { 'x/debug': { exact: '1' } } }] }), path: 'spec.http[0].match[0].withoutHeaders.x/debug', gist: /not a valid header name/ },
  { name: 'Should reject an empty method prefix', spec: httpRule({ match: [{ method: { prefix: '' } }] }), path: 'spec.http[0].match[0].method.prefix', gist: /must not be empty/ },
  { name: 'Should reject a query parameter regex that does not compile', spec: httpRule({ match: [{ queryParams: { id: { regex: '(' } } }] }), path: 'spec.http[0].match[0].queryParams.id.regex', gist: /invalid RE2 regex/ },
  { name: 'Should reject a match port out of range', spec: httpRule({ match: [{ port: 65536 }] }), path: 'spec.http[0].match[0].port', gist: /between 1 and 65535/ },
  { name: 'Should reject an invalid source label key', spec: httpRule({ match: [{ sourceLabels: { '-app': 'reviews' } }] }), path: 'spec.http[0].match[0].sourceLabels.-app', gist: /invalid label key/ },
  { name: 'Should reject an invalid source namespace', spec: httpRule({ match: [{ sourceNamespace: 'Prod_NS' }] }), path: 'spec.http[0].match[0].sourceNamespace', gist: /invalid namespace/ },
  { name: 'Should reject routing on a JWT claim for a mesh VirtualService', spec: httpRule({ match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }] }), path: 'spec.http[0].match[0].headers.@request.auth.claims.group', gist: /bound to gateways/ },
  // Rewrites, redirects and direct responses.
  { name: 'Should reject a rewrite that sets both uri and uriRegexRewrite', spec: httpRule({ rewrite: { uri: '/v2', uriRegexRewrite: { match: '^/v1', rewrite: '/v2' } } }), path: 'spec.http[0].rewrite.uriRegexRewrite', gist: /cannot be set with uri/ },
  { name: 'Should reject a uriRegexRewrite whose match is not RE2', spec: httpRule({ rewrite: { uriRegexRewrite: { match: '^/(?<v>v1', rewrite: '/\\1' } } }), path: 'spec.http[0].rewrite.uriRegexRewrite.match', gist: /invalid RE2 regex/ },
  { name: 'Should reject an empty rewrite', spec: httpRule({ rewrite: {} }), path: 'spec.http[0].rewrite', gist: /needs at least one of uri, uriRegexRewrite or authority/ },
  { name: 'Should reject rewriting the authority in two places', spec: httpRule({ rewrite: { authority: 'a.internal' }, headers: { request: { set: { host: 'b.internal' } } } }), path: 'spec.http[0].headers.request.set.host', gist: /set it in one place/ },
  { name: 'Should reject a redirect code that is not 3xx', spec: httpRule({ route: undefined, redirect: { uri: '/new', redirectCode: 200 } }), path: 'spec.http[0].redirect.redirectCode', gist: /not a redirect code/ },
  { name: 'Should reject a 3xx redirect code that Envoy cannot send', spec: httpRule({ route: undefined, redirect: { uri: '/new', redirectCode: 304 } }), path: 'spec.http[0].redirect.redirectCode', gist: /not supported/ },
  { name: 'Should reject a redirect scheme other than http or https', spec: httpRule({ route: undefined, redirect: { scheme: 'ftp' } }), path: 'spec.http[0].redirect.scheme', gist: /"http" or "https"/ },
  { name: 'Should reject a redirect that changes nothing', spec: httpRule({ route: undefined, redirect: { redirectCode: 301 } }), path: 'spec.http[0].redirect', gist: /needs at least one of uri, authority, scheme, port or derivePort/ },
  { name: 'Should reject a direct response status outside 200-599', spec: httpRule({ route: undefined, directResponse: { status: 700 } }), path: 'spec.http[0].directResponse.status', gist: /between 200 and 599/ },
  // Timeouts and retries.
  { name: 'Should reject a zero timeout', spec: httpRule({ timeout: '0s' }), path: 'spec.http[0].timeout', gist: /at least 1ms/ },
  { name: 'Should reject a timeout finer than a millisecond', spec: httpRule({ timeout: '1500us' }), path: 'spec.http[0].timeout', gist: /millisecond precision/ },
  { name: 'Should reject a timeout that is not a duration', spec: httpRule({ timeout: '5 seconds' }), path: 'spec.http[0].timeout', gist: /invalid duration/ },
  { name: 'Should reject a per-try timeout under 1ms', spec: httpRule({ retries: { attempts: 2, perTryTimeout: '500us' } }), path: 'spec.http[0].retries.perTryTimeout', gist: /at least 1ms/ },
  { name: 'Should reject negative retry attempts', spec: httpRule({ retries: { attempts: -1 } }), path: 'spec.http[0].retries.attempts', gist: /must not be negative/ },
  { name: 'Should reject retry settings when attempts is unset', spec: httpRule({ retries: { perTryTimeout: '2s' } }), path: 'spec.http[0].retries.attempts', gist: /disables retries/ },
  { name: 'Should reject an unknown retryOn condition', spec: httpRule({ retries: { attempts: 3, retryOn: '5xx,sometimes' } }), path: 'spec.http[0].retries.retryOn', gist: /"sometimes" is not a retry condition/ },
  { name: 'Should reject a retryOn list with spaces', spec: httpRule({ retries: { attempts: 3, retryOn: '5xx, reset' } }), path: 'spec.http[0].retries.retryOn', gist: /remove the spaces/ },
  // Faults.
  { name: 'Should reject a fault with neither abort nor delay', spec: httpRule({ fault: {} }), path: 'spec.http[0].fault', gist: /needs an abort, a delay, or both/ },
  { name: 'Should reject a delay percentage over 100', spec: httpRule({ fault: { delay: { fixedDelay: '5s', percentage: { value: 150 } } } }), path: 'spec.http[0].fault.delay.percentage.value', gist: /between 0 and 100/ },
  { name: 'Should reject a delay without fixedDelay', spec: httpRule({ fault: { delay: { percentage: { value: 10 } } } }), path: 'spec.http[0].fault.delay', gist: /needs fixedDelay/ },
  { name: 'Should reject an exponential delay, which is not supported', spec: httpRule({ fault: { delay: { exponentialDelay: '1s' } } }), path: 'spec.http[0].fault.delay.exponentialDelay', gist: /not supported/ },
  { name: 'Should reject a fixed delay under 1ms', spec: httpRule({ fault: { delay: { fixedDelay: '0s' } } }), path: 'spec.http[0].fault.delay.fixedDelay', gist: /at least 1ms/ },
  { name: 'Should reject an abort with an HTTP status outside 200-599', spec: httpRule({ fault: { abort: { httpStatus: 600 } } }), path: 'spec.http[0].fault.abort.httpStatus', gist: /between 200 and 599/ },
  { name: 'Should reject an abort with an unknown gRPC status', spec: httpRule({ fault: { abort: { grpcStatus: 'BROKEN' } } }), path: 'spec.http[0].fault.abort.grpcStatus', gist: /not a gRPC status/ },
  { name: 'Should reject an abort that names no status', spec: httpRule({ fault: { abort: { percentage: { value: 10 } } } }), path: 'spec.http[0].fault.abort', gist: /needs httpStatus or grpcStatus/ },
  // Mirrors and CORS.
  { name: 'Should reject mirror and mirrors together', spec: httpRule({ mirror: { host: 'shadow' }, mirrors: [{ destination: { host: 'shadow-2' } }] }), path: 'spec.http[0].mirrors', gist: /cannot be set with mirror/ },
  { name: 'Should reject a mirror percentage over 100', spec: httpRule({ mirror: { host: 'shadow' }, mirrorPercentage: { value: 101 } }), path: 'spec.http[0].mirrorPercentage.value', gist: /between 0 and 100/ },
  { name: 'Should reject a mirror with an invalid host', spec: httpRule({ mirror: { host: 'shadow..svc' } }), path: 'spec.http[0].mirror.host', gist: /invalid destination host/ },
  { name: 'Should reject a mirrors entry percentage below 0', spec: httpRule({ mirrors: [{ destination: { host: 'shadow' }, percentage: { value: -5 } }] }), path: 'spec.http[0].mirrors[0].percentage.value', gist: /between 0 and 100/ },
  { name: 'Should reject a CORS origin regex that is not RE2', spec: httpRule({ corsPolicy: { allowOrigins: [{ regex: '*.example.com' }] } }), path: 'spec.http[0].corsPolicy.allowOrigins[0].regex', gist: /invalid RE2 regex/ },
  { name: 'Should reject a CORS maxAge that is not whole seconds', spec: httpRule({ corsPolicy: { maxAge: '1500ms' } }), path: 'spec.http[0].corsPolicy.maxAge', gist: /whole seconds/ },
  { name: 'Should reject an unknown CORS method', spec: httpRule({ corsPolicy: { allowMethods: ['GET', 'FETCH'] } }), path: 'spec.http[0].corsPolicy.allowMethods[1]', gist: /not an HTTP method/ },
  // Header operations.
  { name: 'Should reject setting a pseudo-header other than the authority', spec: httpRule({ headers: { request: { set: { ':path': '/x' } } } }), path: 'spec.http[0].headers.request.set.:path', gist: /pseudo-header/ },
  { name: 'Should reject removing the Host header from a response', spec: httpRule({ headers: { response: { remove: ['Host'] } } }), path: 'spec.http[0].headers.response.remove[0]', gist: /Host header/ },
  { name: 'Should reject a header value with an unterminated % expression', spec: httpRule({ headers: { request: { add: { 'x-load': '100%' } } } }), path: 'spec.http[0].headers.request.add.x-load', gist: /unterminated "%"/ },
  // TCP and TLS rules.
  { name: 'Should reject a TLS rule with an empty match list', spec: { hosts: ['*.bookinfo.com'], tls: [{ match: [], route: [{ destination: { host: 'login' } }] }] }, path: 'spec.tls[0].match', gist: /at least one match with sniHosts/ },
  { name: 'Should reject a TLS match with an empty SNI host list', spec: { hosts: ['*.bookinfo.com'], tls: [{ match: [{ port: 443, sniHosts: [] }], route: [{ destination: { host: 'login' } }] }] }, path: 'spec.tls[0].match[0].sniHosts', gist: /at least one SNI host/ },
  { name: 'Should reject an SNI host outside the VirtualService hosts', spec: { hosts: ['*.bookinfo.com'], tls: [{ match: [{ sniHosts: ['login.example.com'] }], route: [{ destination: { host: 'login' } }] }] }, path: 'spec.tls[0].match[0].sniHosts[0]', gist: /not within any host/ },
  { name: 'Should reject a TCP rule without a route', spec: { hosts: ['mongo'], tcp: [{ match: [{ port: 27017 }] }] }, path: 'spec.tcp[0].route', gist: /at least one route destination/ },
  { name: 'Should reject an invalid destination subnet in a TCP match', spec: { hosts: ['mongo'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/33'] }], route: [{ destination: { host: 'mongo' } }] }] }, path: 'spec.tcp[0].match[0].destinationSubnets[0]', gist: /prefix length/ },
  // Visibility.
  { name: 'Should reject exporting to "*" and to a namespace at once', spec: httpRule({}, { exportTo: ['*', 'prod'] }), path: 'spec.exportTo', gist: /must be the only entry/ },
  { name: 'Should reject an exportTo entry that is not a namespace name', spec: httpRule({}, { exportTo: ['Prod_NS'] }), path: 'spec.exportTo[0]', gist: /invalid exportTo entry/ },
  { name: 'Should reject exporting to "." and to its own namespace', spec: httpRule({}, { exportTo: ['.', 'bookinfo'] }), path: 'spec.exportTo[1]', gist: /both name this namespace/ },
];

for (const c of CASES) {
  test(c.name, () => {
    const problems = c.gist.source.startsWith('warning') ? problemsOf(virtualService(c.spec)) : errorsOf(virtualService(c.spec));
    assertProblemAt(problems, c.path, c.gist);
  });
}
