export * from './create-metrics-registry.js';
export * from './grpc-metrics.js';
