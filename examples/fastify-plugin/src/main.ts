// npm start: the app on DATABASE_URL (default ./data/tessera.sqlite3), migrated first,
// on HOST:PORT (default 127.0.0.1:8000); SECRET_KEY from the environment or ./data.
import { loadConfig, migrateToLatest, openDatabase } from 'tessera';
import { buildHelloApp } from './app.js';

const config = loadConfig(process.env);
const db = openDatabase(config.database);
await migrateToLatest(db.kysely);
const app = await buildHelloApp({ db, secretKey: config.secretKey });

async function shutdown(): Promise<void> {
  await app.close();
  await db.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

await app.listen({ host: config.host, port: config.port });
process.stdout.write(`Serving on http://${config.host}:${config.port}/ (database: ${config.database.dialect})\n`);
