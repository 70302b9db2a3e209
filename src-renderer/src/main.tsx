import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/tokens.css';
import './styles/base.css';
import { App } from './App';
import { startLayoutWorker } from './lib/graph-layout-client';
import { connectStores } from './state/app-stores';
import { appStores } from './state/stores';
import './styles/utilities.css';

// The reactions between the stores, declared in app-stores.ts, run for the page's life.
connectStores(appStores);
startLayoutWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
