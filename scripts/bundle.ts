// `npm run build`, second step: the binary as a few bundled files (dist/bin/ptelint.js, the worker
// and the chunks they share), with esbuild. Node resolves, reads and compiles each ES module of
// tsc's output on its own: 130 of them made module loading most of a mail's 0.3 s run. Each
// command's engine stays a separate chunk, loaded on demand (`check` never loads the mail reader).
// tree-sitter and its C grammar stay outside: their native addons are found by require at run time.

import { build, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE_DIR = path.join(ROOT, 'dist/bin');

/**
 * Node's own modules and tree-sitter (a CommonJS package with native addons) are loaded with
 * require() at run time, not imported as ES modules: Node builds an ES module facade of a builtin
 * by reading every export (node:fs's ReadStream getter alone loads the streams, 9 ms), and lexes a
 * CommonJS package's source to find its exports, at every start. A mail's run: 0.27-0.29 s with
 * imports, 0.23-0.24 s so (20 runs each, three times in turns).
 */
const RUN_TIME_REQUIRE = /^(?:node:.*|tree-sitter|tree-sitter-c)$/;
const requireAtRunTime: Plugin = {
  name: 'require-at-run-time',
  setup(plugin) {
    // An import becomes a module that requires it; a require() (the shim's own, commander's) stays one.
    plugin.onResolve({ filter: RUN_TIME_REQUIRE }, (args) =>
      args.kind === 'require-call' ? { path: args.path, external: true } : { path: args.path, namespace: 'run-time-require' },
    );
    plugin.onLoad({ filter: /.*/, namespace: 'run-time-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

rmSync(BUNDLE_DIR, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  // run.ts starts its workers from ./worker.js beside it: both land in dist/bin.
  entryPoints: { ptelint: 'src/cli/main.ts', worker: 'src/engine/worker.ts' },
  outdir: BUNDLE_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [requireAtRunTime],
  // The CommonJS packages bundled in (commander) call require() for Node's own modules, which an
  // ES module does not have.
  banner: { js: "import { createRequire as __ptelintCreateRequire } from 'node:module';\nconst require = __ptelintCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  // Whitespace and syntax only: names stay as written, so profiles and stack traces still read.
  // Node compiles every module it loads: a mail's run took 0.31 s with the bundle as written and
  // 0.28 s minified (20 runs each, in turns). The maps are for --enable-source-maps.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
});
