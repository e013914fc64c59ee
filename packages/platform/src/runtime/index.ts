export * from './create-service-runtime.js';
export * from './serve.js';
