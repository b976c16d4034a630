// Galley: config ingestion, validation, processing and distribution.
export * from './issue.js';
export * from './snapshot.js';
export * from './galley.js';
export * from './parse/index.js';
export * from './source/config-source.js';
export * from './source/file-source.js';
export * from './duplicates.js';
