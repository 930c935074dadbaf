import { createServer } from 'node:net';

/** A TCP port that was free a moment ago (the OS picks it: listen on port 0, then close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('Could not read the port the OS picked.'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}
