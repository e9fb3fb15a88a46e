// Bundled by esbuild into one script that puts the real @sentry/browser on window.Sentry.
import * as Sentry from '@sentry/browser';

window.Sentry = Sentry;
