export * from './create-logger.js';
export * from './redaction.js';
