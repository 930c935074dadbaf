import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web client lives in web/; `npm run build` puts it in dist/web, which the API server
// serves at `/`. In dev mode (`npm run dev`) Vite serves it on :5173 and the client calls
// the API on :8000 across origins (VITE_API_BASE_URL, see web/README.md).
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
  },
});
