// The TCP proxy network filter and its upstream target resolution.
export * from './tcp-proxy.js';
export * from './tcp-upstream-target.js';
