import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

// The web client lives in web/; `npm run build` puts it in dist/web, which the API server
// serves at `/`. In dev mode (`npm run dev`) Vite serves it on :5173 and the client calls
// the API on :8000 across origins (VITE_API_BASE_URL, see web/README.md).
const config: UserConfig = {
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
};

export default defineConfig(({ command }) => {
  // A build is always the production build, whatever NODE_ENV it runs under: Vite keeps a
  // NODE_ENV it finds set, and vitest's build before the suite (NODE_ENV=test) made a
  // 500 kB bundle of React's development code, over Vite's chunk-size warning, which
  // `npm start` then served.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return config;
});
