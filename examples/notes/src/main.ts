// npm start: Tessera's login, logout, products and admin, and the notes.
import { serve } from 'tessera';
import { project } from './project.js';

await serve(project);
