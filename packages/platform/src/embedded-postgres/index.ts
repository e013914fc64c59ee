export * from './start-embedded-postgres.js';
