// The Envoy v3 API as a protobufjs root: read from the descriptor the build generates from the
// .proto files shipped in @grpc/grpc-js-xds, or parsed from those files when it is missing.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import protoFiles from './proto-files.json' with { type: 'json' };

const require = createRequire(import.meta.url);

/** The include directories the Envoy protos are resolved against. */
export const XDS_INCLUDE_DIRS: readonly string[] = protoFiles.includeDirs.map((d) =>
  join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps', d),
);

/** The proto files Heddle loads (their imports come along). */
export const XDS_PROTO_FILES: readonly string[] = protoFiles.protos;

/**
 * The descriptor `scripts/gen-xds-types.js` writes: `JSON.stringify` of the protobufjs JSON of
 * {@link parseXdsProtos}'s root. tsc copies it beside this module (pretty-printed), as it copies
 * every JSON file under src/.
 */
export const XDS_DESCRIPTOR_PATH = fileURLToPath(new URL('./generated/xds-descriptor.json', import.meta.url));

/** protobufjs ships the well-known protos the Envoy API imports (descriptor.proto, say). */
const PROTOBUFJS_DIR = dirname(require.resolve('protobufjs/package.json'));

/** An empty root that finds imports in the include directories, so that `loadSync` can add files to it. */
function createXdsRootShell(): protobuf.Root {
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    for (const dir of [...XDS_INCLUDE_DIRS, PROTOBUFJS_DIR]) {
      const full = join(dir, target);
      if (existsSync(full)) return full;
    }
    return target;
  };
  return r;
}

/**
 * Parses the proto files and their imports with field names as in the protos. The descriptor
 * holds the same root; parsing takes twice as long and keeps more memory (the parser and each
 * file's text), so it is the fallback, and what the descriptor is checked against.
 */
export function parseXdsProtos(): protobuf.Root {
  const r = createXdsRootShell();
  r.loadSync([...XDS_PROTO_FILES], { keepCase: true });
  r.resolveAll();
  return r;
}

/** The root in the generated descriptor, or undefined when there is none. */
function readXdsDescriptor(): protobuf.Root | undefined {
  let text: string;
  try {
    text = readFileSync(XDS_DESCRIPTOR_PATH, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const r = protobuf.Root.fromJSON(JSON.parse(text) as protobuf.INamespace, createXdsRootShell());
  r.resolveAll();
  return r;
}

let root: protobuf.Root | undefined;

/** The protobufjs root holding every Envoy message Heddle uses, loaded once, with field names as in the protos. */
export function xdsRoot(): protobuf.Root {
  if (root) return root;
  root = readXdsDescriptor();
  if (!root) {
    process.emitWarning(`${XDS_DESCRIPTOR_PATH} is missing (npm run gen:xds writes it); parsing the Envoy .proto files instead`, { code: 'HEDDLE_XDS_DESCRIPTOR' });
    root = parseXdsProtos();
  }
  return root;
}

const types = new Map<string, protobuf.Type>();

/** The message type `fullName` (`envoy.config.cluster.v3.Cluster`); throws if it is not loaded. Looked up once. */
export function messageType(fullName: string): protobuf.Type {
  let type = types.get(fullName);
  if (!type) {
    type = xdsRoot().lookupType(fullName);
    types.set(fullName, type);
  }
  return type;
}
