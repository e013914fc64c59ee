export * from './start-service-process.js';
