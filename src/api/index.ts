// The Istio API: kinds, typed models and schema validation. Depends on nothing else in Heddle.
export * from './kinds.js';
export * from './types.js';
export { checkSchema, closest, formatPath, type FieldPath, type SchemaProblem } from './schema.js';
export * from './hosts.js';
export * from './destination-rule-view.js';
