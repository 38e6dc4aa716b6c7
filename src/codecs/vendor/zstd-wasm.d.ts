export declare const ZSTD_WASM_BASE64: string;
