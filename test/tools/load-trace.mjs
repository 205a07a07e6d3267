// Logs every module a Node process loads (ESM and CommonJS) to stderr as "load: URL", for tests
// that check what a command pulls in (the CLI must not load NATS). Use: node --import ./load-trace.mjs ...
import { register } from 'node:module';
import Module from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function load(url, context, next) { process._rawDebug('load: ' + url); return next(url, context); }
`));
const orig = Module._load;
Module._load = function (request, parent, isMain) {
  process._rawDebug('load: ' + request);
  return orig.call(this, request, parent, isMain);
};
