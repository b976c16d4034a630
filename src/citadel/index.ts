// Citadel's public surface: the CA, bootstrap tokens and the CSR service.
export * from './bootstrap-token.js';
export * from './ca-errors.js';
export * from './certificate-authority.js';
export * from './citadel.js';
export * from './csr-service.js';
export * from './duration.js';
