// `node --import ./module-log-hook.mjs ...` prints one line on stderr for each module
// that the process loads ("mnemo-module-load URL"), so a test can tell which code a
// command pulled in (test/cli/help-text.test.ts).
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(
    'export async function load(url, context, next) { process._rawDebug("mnemo-module-load " + url); return next(url, context); }',
  )}`,
);
