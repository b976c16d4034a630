#!/usr/bin/env node
// Generates TypeScript types for the Envoy v3 API from the .proto files shipped in
// @grpc/grpc-js-xds (deps/), into src/xds/generated/. Run by `npm run build`; the output is not
// committed. Only the xds/ folder and the decoders may import these types.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const depsDir = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json', { paths: [root] })), 'deps');
const outDir = join(root, 'src/xds/generated');

// The protos whose messages Heddle reads or writes (their imports come along) are listed in
// src/xds/proto-files.json, which src/xds/protos.ts loads at run time too.
const { protos: XDS_PROTOS, includeDirs } = JSON.parse(readFileSync(join(root, 'src/xds/proto-files.json'), 'utf8'));

const XDS_INCLUDE_DIRS = includeDirs.map((d) => join(depsDir, d));

if (existsSync(outDir)) rmSync(outDir, { recursive: true });
const bin = join(dirname(require.resolve('@grpc/proto-loader/package.json', { paths: [root] })), 'build/bin/proto-loader-gen-types.js');
execFileSync(
  process.execPath,
  [
    bin,
    '--keepCase', '--longs', 'String', '--enums', 'String', '--defaults', '--oneofs',
    '--grpcLib', '@grpc/grpc-js', '--importFileExtension', '.js',
    ...XDS_INCLUDE_DIRS.flatMap((d) => ['-I', d]),
    '-O', outDir,
    ...XDS_PROTOS,
  ],
  { stdio: 'inherit' },
);
console.log(`generated Envoy API types in ${outDir}`);
