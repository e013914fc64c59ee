export * from './catalogue.js';
export * from './causeloop-error.js';
export * from './common-errors.js';
export * from './grpc-status.js';
