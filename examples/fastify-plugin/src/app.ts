// A plain Fastify app of its own, with Tessera's token authentication as a plugin: one
// route behind isAuthenticated, Tessera's login and logout, and routes of the app's own
// that Tessera leaves as they are (its error handler and JSON parser keep working).
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { isAuthenticated, tesseraAuth, type Db } from 'tessera';

export interface HelloAppOptions {
  /** Tessera's database, already migrated (migrateToLatest). */
  readonly db: Db;
  readonly secretKey: string;
}

export async function buildHelloApp(options: HelloAppOptions): Promise<FastifyInstance> {
  const app = Fastify();

  // The app's own error shape. Tessera's 401s and 403s do not go through it (they are DRF's).
  app.setErrorHandler(function appError(error: FastifyError, _request, reply) {
    return reply.code(error.statusCode ?? 500).send({ error: error.message });
  });

  // First, so that every route registered after it can state a permission.
  await app.register(tesseraAuth, { db: options.db, secretKey: options.secretKey, routes: { login: true, logout: true } });

  app.get('/api/hello/', { config: { permission: isAuthenticated } }, async (request) => ({ hello: request.user!.username }));

  // No permission: Tessera does not look at these.
  app.get('/health', async () => ({ status: 'ok' }));
  app.post('/echo', async (request) => ({ received: request.body }));

  return app;
}
