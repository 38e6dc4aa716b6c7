// The part of the WebAssembly JS API (a global in Node) that ./zstd-wasm.ts uses. TypeScript declares
// it only in its DOM and web-worker libs, which would bring browser globals into a Node program.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
}
