export { enqueueJob, type NewJob } from './enqueue-job.js';
export type { ClaimedJob, JobContext, JobEffect, JobHandler, JobOutcome, JobStatus } from './job.js';
export { createJobWorker, type JobWorker, type JobWorkerOptions } from './job-worker.js';
export { createPollingWorker, type PollingWorker, type PollingWorkerOptions } from './polling-worker.js';
export { readJob, type JobRow } from './read-job.js';
export { exponentialBackoff, type RetryBackoff } from './retry-backoff.js';
export { isJobLeaseLost, JobLeaseLostError } from './run-job.js';
export { createWorkerId } from './worker-id.js';
