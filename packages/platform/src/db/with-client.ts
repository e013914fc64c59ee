import { Client } from 'pg';

/**
 * Runs `fn` on one dedicated connection (not a pooled one) and always closes it. For
 * work that needs a session of its own: migrations under an advisory lock, role
 * bootstrap, administration in tests. Tenant work goes through `withTenant` instead.
 */
export async function withClient<T>(
  connectionString: string,
  fn: (client: Client) => Promise<T>,
  applicationName = 'causeloop',
): Promise<T> {
  const client = new Client({ connectionString, application_name: applicationName });
  // A connection lost mid-run surfaces through the failing query; this only keeps the
  // 'error' event from crashing the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
