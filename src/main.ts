// `npm start`: Tessera's own API and web client, with no project of its own.
import { serve } from './server.js';

await serve();
