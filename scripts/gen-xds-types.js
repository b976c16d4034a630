#!/usr/bin/env node
// Generates TypeScript types for the Envoy v3 API from the .proto files shipped in
// @grpc/grpc-js-xds (deps/), into src/xds/generated/, and the descriptor the processes load the
// API from (xds-descriptor.json, read by src/xds/protos.ts). Run by `npm run build`; the output is
// not committed. Only the xds/ folder and the decoders may import these types.
// `node scripts/gen-xds-types.js --descriptor-only FILE` writes only the descriptor, to FILE.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * Writes the Envoy API as protobufjs JSON: the listed protos and their imports, parsed with the
 * field names kept, exactly as src/xds/protos.ts parses them when there is no descriptor (its
 * test checks that the two agree). The output depends only on the .proto files: byte-stable.
 */
async function writeXdsDescriptor(file) {
  const { default: protobuf } = await import(require.resolve('protobufjs', { paths: [root] }));
  const protobufjsDir = dirname(require.resolve('protobufjs/package.json', { paths: [root] }));
  const api = new protobuf.Root();
  api.resolvePath = (_origin, target) => {
    for (const dir of [...XDS_INCLUDE_DIRS, protobufjsDir]) {
      const full = join(dir, target);
      if (existsSync(full)) return full;
    }
    return target;
  };
  api.loadSync(XDS_PROTOS, { keepCase: true });
  api.resolveAll();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(api.toJSON()));
  console.log(`wrote the Envoy API descriptor to ${file}`);
}

const descriptorOnly = process.argv.indexOf('--descriptor-only');
if (descriptorOnly >= 0) {
  const file = process.argv[descriptorOnly + 1];
  if (!file) throw new Error('--descriptor-only needs the file to write');
  await writeXdsDescriptor(file);
  process.exit(0);
}

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
await writeXdsDescriptor(join(outDir, 'xds-descriptor.json'));
