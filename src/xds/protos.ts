// The Envoy v3 API, loaded with protobufjs from the .proto files shipped in @grpc/grpc-js-xds.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import protobuf from 'protobufjs';
import protoFiles from './proto-files.json' with { type: 'json' };

const require = createRequire(import.meta.url);

/** The include directories the Envoy protos are resolved against. */
export const XDS_INCLUDE_DIRS: readonly string[] = protoFiles.includeDirs.map((d) =>
  join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps', d),
);

/** The proto files Heddle loads (their imports come along). */
export const XDS_PROTO_FILES: readonly string[] = protoFiles.protos;

/** protobufjs ships the well-known protos the Envoy API imports (descriptor.proto, say). */
const PROTOBUFJS_DIR = dirname(require.resolve('protobufjs/package.json'));

let root: protobuf.Root | undefined;

/** The protobufjs root holding every Envoy message Heddle uses, loaded once, with field names as in the protos. */
export function xdsRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    for (const dir of [...XDS_INCLUDE_DIRS, PROTOBUFJS_DIR]) {
      const full = join(dir, target);
      if (existsSync(full)) return full;
    }
    return target;
  };
  r.loadSync([...XDS_PROTO_FILES], { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
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
