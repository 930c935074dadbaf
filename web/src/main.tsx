import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client.ts';
import { createBrowserTokenStore } from './api/token-store.ts';
import { App } from './app.tsx';
import './styles.css';

const api = createApiClient({
  baseUrl: import.meta.env.VITE_API_BASE_URL ?? '',
  tokenStore: createBrowserTokenStore(),
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
