// esbuild plugins of the CLI build (build.mjs): dependencies that cost start-up time for nothing on
// most runs. Each was found by timing the engine chunk's import (node --cpu-prof, then `await
// import()` of the chunk with and without the change, 2-core machine).

/**
 * Loads a module whose default export is an async function on its first call instead of at start-up.
 * read-excel-file (with fflate) is a third of the engine's code and fflate's Node build requires
 * worker_threads as it loads, about 15 ms on every run, yet only XLSX input calls it. The importer
 * sees the same contract: a default export returning a promise. An importer that starts using a
 * named export of such a module fails the build (no such export), not the run.
 *
 * @param {RegExp} filter - the modules to defer, as imported (e.g. /^read-excel-file\/universal$/)
 */
export function deferDefaultExport(filter) {
  const namespace = "deferred-default-export";
  return {
    name: "defer-default-export",
    setup(build) {
      build.onResolve({ filter }, (args) =>
        // The stub's own import() of the real module resolves as usual (to a lazily loaded chunk).
        args.namespace === namespace
          ? undefined
          : { path: args.path, namespace, pluginData: { resolveDir: args.resolveDir } },
      );
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        contents: [
          `export default function deferred(...args) {`,
          `  return import(${JSON.stringify(args.path)}).then((module) => module.default(...args));`,
          `}`,
        ].join("\n"),
        resolveDir: args.pluginData.resolveDir,
        loader: "js",
      }));
    },
  };
}

/**
 * Replaces the `debug` logger that @stdlib/math-base-special-gammaincinv loads for its developers'
 * tracing (printed only when DEBUG=gammaincinv:* is set) with a silent one: loading `debug` pulls
 * in node:tty and node:util and opens stderr, about 6 ms on every run.
 */
export const silentStdlibDebug = {
  name: "silent-stdlib-debug",
  setup(build) {
    build.onResolve({ filter: /^debug$/ }, (args) =>
      /[\\/]@stdlib[\\/]/.test(args.importer)
        ? { path: "debug", namespace: "silent-debug" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "silent-debug" }, () => ({
      contents: "module.exports = () => Object.assign(() => {}, { enabled: false });",
      loader: "js",
    }));
  },
};

/**
 * Gives commander a node:child_process that loads on first use. commander requires it at start-up
 * for git-style executable subcommands, which pooled does not have; loading it (with node:net and
 * node:dgram) costs about 3 ms on every run.
 */
export const lazyChildProcessForCommander = {
  name: "lazy-child-process-for-commander",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer)
        ? { path: "child_process", namespace: "lazy-child-process" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: [
        "let loaded;",
        'const load = () => (loaded ??= require("node:child_process"));',
        "module.exports = new Proxy({}, { get: (_, key) => load()[key] });",
      ].join("\n"),
      loader: "js",
    }));
  },
};
