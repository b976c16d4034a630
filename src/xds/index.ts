// The wire contract shared by the control plane and the data plane: Envoy protos, type URLs,
// Any packing and Istio's resource names.
export * from './any.js';
export * from './ads-service.js';
export * from './protos.js';
export * from './resource-names.js';
export * from './type-urls.js';
export * from './struct.js';
