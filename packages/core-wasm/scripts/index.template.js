// @pooled/core-wasm loader (copied to dist/index.js by scripts/embed.mjs). Plain ESM, no fs, no
// fetch: the .wasm bytes are embedded as base64, so this works in Node, browsers and web workers.
import { wasmBase64 as debugBase64 } from "./debug.js";
import { wasmBase64 as releaseBase64 } from "./release.js";

/** Decodes base64 with atob (global in browsers, workers and Node >= 16). */
function decode(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The raw bytes of the release (-O3) or debug (assertions, source map) build. */
export function wasmBytes(target = "release") {
  return decode(target === "debug" ? debugBase64 : releaseBase64);
}

const modules = new Map();

/** The compiled WebAssembly.Module (compiled once per target and cached). */
export function compileSync(target = "release") {
  let module = modules.get(target);
  if (module === undefined) {
    module = new WebAssembly.Module(wasmBytes(target));
    modules.set(target, module);
  }
  return module;
}

/** Async compilation, for browser main threads (where large synchronous compiles are refused). */
export async function compile(target = "release") {
  let module = modules.get(target);
  if (module === undefined) {
    module = await WebAssembly.compile(wasmBytes(target));
    modules.set(target, module);
  }
  return module;
}

/** Reads an AssemblyScript string (UTF-16, length in bytes stored before it) from memory. */
function readString(memory, ptr) {
  if (!ptr) return "";
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}

/** The imports the module needs: only `env.abort` (assertion failures in the debug build). */
function imports(holder) {
  return {
    env: {
      abort(message, file, line, column) {
        const memory = holder.memory;
        const text = memory
          ? `${readString(memory, message)} at ${readString(memory, file)}:${line}:${column}`
          : "abort";
        throw new Error(`core-wasm aborted: ${text}`);
      },
    },
  };
}

/** Instantiates a compiled module; returns its exports (pointer-level API). */
export function instantiateModule(module) {
  const holder = { memory: undefined };
  const instance = new WebAssembly.Instance(module, imports(holder));
  holder.memory = instance.exports.memory;
  return instance.exports;
}

/** Compiles (cached) and instantiates synchronously: Node, web workers. */
export function instantiateSync(target = "release") {
  return instantiateModule(compileSync(target));
}

/** Compiles and instantiates asynchronously: anywhere, including browser main threads. */
export async function instantiate(target = "release") {
  return instantiateModule(await compile(target));
}
