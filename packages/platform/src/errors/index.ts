export * from './catalogue.js';
export * from './causeloop-error.js';
export * from './grpc-status.js';
