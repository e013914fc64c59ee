export * from './create-lifecycle.js';
export * from './schedule-recurring-job.js';
