// The Content-Security-Policy of the workbench, in both shells: sent as a header by web mode and by the
// Electron session, and written into the built index.html. No inline script, no remote content.
// worker-src is named even though it would fall back to script-src: the graph layout runs in a module
// worker built from our own files, and blob: or data: workers (a way around script-src) stay refused.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
