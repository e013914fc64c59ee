export { CauseloopClientError, isCauseloopClientError } from './causeloop-client-error.js';
export { clientServices, type ClientServices } from './client-services.js';
export { createClient, defaultDeadlineMs, type CauseloopClient, type ClientOptions } from './create-client.js';
export { defaultRetryPolicy, isIdempotentRead, type RetryPolicy } from './retry-policy.js';
export type { CallOptions, RetryEvent, ServiceClient } from './service-client.js';
