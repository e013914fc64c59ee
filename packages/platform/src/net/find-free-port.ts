import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1, found by letting the OS pick one for a
 * throwaway listener. Another process could take it before the caller binds; callers
 * that can bind to port 0 themselves should do that instead.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a listener on port 0'));
      });
    });
  });
}
