// The nginx pair of the proxy benchmarks, the baseline Heddle's pair is held against: a client-side
// nginx on 127.0.77.4 and a server-side nginx on 127.0.77.5, one worker each, with upstream
// keep-alive. Ports: 8080 HTTP/1.1, 8081 h2c (grpc_pass, HTTP/2 on every hop), 8082 TCP (stream),
// 8083 HTTP/1.1 with mutual TLS 1.3 between the two nginx (an openssl-made self-signed P-256 cert).
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PairApps } from './heddle-pair.js';
import { startChild, stderrTail, stopChild } from './bench-child.js';
import { makeSelfSignedCertificate } from './self-signed-cert.js';

const CLIENT_IP = '127.0.77.4';
const SERVER_IP = '127.0.77.5';
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
/** The pair's ports on each nginx: HTTP/1.1, h2c and TCP. */
export const NGINX_PORTS = { http1: 8080, h2c: 8081, tcp: 8082, http1Tls: 8083 } as const;
/** The name in the TLS hop's certificate, which the client nginx verifies. */
const TLS_NAME = 'nginx-server';

export interface NginxPair {
  /** The client-side nginx's address (the entry of the pair). */
  readonly host: string;
  readonly clientPid: number;
  readonly serverPid: number;
  logs(): { client: string; server: string };
  alive(): boolean;
  stop(): Promise<void>;
}

interface Next {
  readonly host: string;
  readonly http1: number;
  readonly h2c: number;
  readonly tcp: number;
}

/** The TLS hop: which side of it this nginx is, and the certificate both sides use and trust. */
export interface TlsHop {
  readonly side: 'client' | 'server';
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * The TLS port's server block. The server side terminates TLS 1.3, requires a client certificate
 * and forwards plaintext to the app; the client side takes plaintext and originates TLS 1.3 with
 * its certificate, verifying the server's, over kept-alive upstream connections.
 */
function tlsServer(ip: string, next: Next, tls: TlsHop): string {
  if (tls.side === 'server') {
    return `  server {
    listen ${ip}:${NGINX_PORTS.http1Tls} ssl;
    ssl_protocols TLSv1.3;
    ssl_certificate ${tls.certFile};
    ssl_certificate_key ${tls.keyFile};
    ssl_client_certificate ${tls.certFile};
    ssl_verify_client on;
    location / {
      proxy_pass http://next_http1;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
    }
  }`;
  }
  return `  upstream next_http1_tls { server ${next.host}:${NGINX_PORTS.http1Tls}; keepalive 64; keepalive_requests 1000000; }
  server {
    listen ${ip}:${NGINX_PORTS.http1Tls};
    location / {
      proxy_pass https://next_http1_tls;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_ssl_protocols TLSv1.3;
      proxy_ssl_certificate ${tls.certFile};
      proxy_ssl_certificate_key ${tls.keyFile};
      proxy_ssl_trusted_certificate ${tls.certFile};
      proxy_ssl_verify on;
      proxy_ssl_name ${TLS_NAME};
      proxy_ssl_server_name on;
      proxy_ssl_session_reuse on;
    }
  }`;
}

/** One nginx's configuration: listens on `ip`, forwards to `next`; with `tls`, also the TLS port. */
export function nginxConfig(dir: string, ip: string, next: Next, tls?: TlsHop): string {
  return `load_module ${STREAM_MODULE};
worker_processes 1;
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream next_http1 { server ${next.host}:${next.http1}; keepalive 64; keepalive_requests 1000000; }
  upstream next_h2c { server ${next.host}:${next.h2c}; keepalive 64; keepalive_requests 1000000; }
  server {
    listen ${ip}:${NGINX_PORTS.http1};
    location / {
      proxy_pass http://next_http1;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
    }
  }
  server {
    listen ${ip}:${NGINX_PORTS.h2c} http2;
    location / { grpc_pass grpc://next_h2c; }
  }
${tls ? tlsServer(ip, next, tls) : ''}
}
stream {
  server { listen ${ip}:${NGINX_PORTS.tcp}; proxy_pass ${next.host}:${next.tcp}; proxy_half_close on; }
}
`;
}

async function startNginx(root: string, name: string, ip: string, next: Next, tls: TlsHop): Promise<ChildProcess> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, nginxConfig(dir, ip, next, tls));
  return startChild('nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf]);
}

/** Starts both nginx processes in front of `apps`; resolves once the client side answers TCP. */
export async function startNginxPair(apps: PairApps, waitUntilUp: (host: string, port: number) => Promise<void>): Promise<NginxPair> {
  const root = await mkdtemp(join(tmpdir(), 'heddle-bench-nginx-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    await rm(root, { recursive: true, force: true });
  };
  try {
    const cert = await makeSelfSignedCertificate(root, TLS_NAME);
    const server = await startNginx(root, 'server', SERVER_IP, { host: '127.0.0.1', ...apps }, { side: 'server', ...cert });
    children.push(server);
    const client = await startNginx(root, 'client', CLIENT_IP, { host: SERVER_IP, ...NGINX_PORTS }, { side: 'client', ...cert });
    children.push(client);
    for (const port of [NGINX_PORTS.http1, NGINX_PORTS.http1Tls]) {
      await waitUntilUp(SERVER_IP, port);
      await waitUntilUp(CLIENT_IP, port);
    }
    const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
    return {
      host: CLIENT_IP,
      clientPid: client.pid!,
      serverPid: server.pid!,
      logs: () => ({ client: stderrTail(client), server: stderrTail(server) }),
      alive: () => running(client) && running(server),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
