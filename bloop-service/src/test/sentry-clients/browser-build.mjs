// Bundles the real @sentry/browser into one script for the browser test's page (web/sentry-browser.js).
import { build } from 'esbuild';

await build({
  entryPoints: ['browser-entry.js'],
  bundle: true,
  format: 'iife',
  minify: true,
  outfile: 'web/sentry-browser.js',
  logLevel: 'warning',
});
