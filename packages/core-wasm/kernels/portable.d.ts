/**
 * The AssemblyScript value types, for TypeScript (the JS path of the one kernel source).
 *
 * The kernels in this folder are compiled twice: by asc to WebAssembly, where `f64`, `i32` and
 * `bool` are built-in types, and by tsc to JavaScript, where these aliases make them `number` and
 * `boolean`. Only types are declared here, no functions: the kernels use no AssemblyScript builtin
 * that TypeScript lacks (see README.md, "The portable subset"), so the JS output needs no shim.
 */
declare type f64 = number;
declare type i32 = number;
declare type bool = boolean;
