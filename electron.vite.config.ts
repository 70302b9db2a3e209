import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src-main/shared/security';

/** Writes the CSP into the built index.html (frame-ancestors is header-only, so it is left out there). */
function contentSecurityPolicy(): Plugin {
  const policy = CONTENT_SECURITY_POLICY.split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
  return {
    name: 'causa-csp',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`),
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        // The case worker and the link worker are entries of their own: the hosts start them as worker threads
        // (host/case-client.ts, service/link-thread.ts).
        input: {
          index: resolve('src-main/index.ts'),
          cli: resolve('src-main/cli.ts'),
          'case-worker': resolve('src-main/host/case-worker-entry.ts'),
          'link-worker': resolve('src-main/host/link-worker-entry.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file: no Node module loading, no ESM.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve('src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react(), contentSecurityPolicy()],
    build: {
      outDir: 'out/renderer',
      // 1.3 MB of JavaScript becomes 0.6: parsed and compiled faster when a window opens (about 80 ms of the
      // first chain drawn on this machine's Chromium). CAUSA_NO_MINIFY=1 keeps the names, for a profile.
      minify: !process.env.CAUSA_NO_MINIFY,
      rolldownOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
