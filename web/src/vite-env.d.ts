/// <reference types="vite/client" />

interface ImportMetaEnv {
  /**
   * Where the API lives, without a trailing slash: '' (the default) means the page's own
   * origin, as when `npm start` serves the built client; `npm run dev` sets
   * `http://127.0.0.1:8000` so the client on :5173 calls the API across origins (CORS).
   */
  readonly VITE_API_BASE_URL?: string;
  /** `jwt`: sign in with SimpleJWT's tokens (the server's JWT_AUTH=true); else DRF's Token. */
  readonly VITE_AUTH?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
