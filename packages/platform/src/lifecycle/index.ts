export * from './create-lifecycle.js';
