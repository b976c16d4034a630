// Field checks that several kinds share. Each returns a message, or undefined when the value is fine.
export * from './duration.js';
export * from './host.js';
export * from './http.js';
export * from './names.js';
export * from './network.js';
export * from './selector.js';
