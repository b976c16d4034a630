// Field checks that several kinds share. Each returns a message, or undefined when the value is fine.
export * from './duration.js';
export * from './host.js';
export * from './http.js';
export * from './names.js';
export * from './network.js';
export * from './selector.js';
export * from './policy-target.js';
export * from './protocol.js';
export * from './unix-socket.js';
export * from './server-tls.js';
export * from './export-to.js';
export * from './workload-endpoint.js';
