export type ZstdStreamHandler = (data: Uint8Array, final?: boolean) => unknown;
export declare function decompress(dat: Uint8Array, buf?: Uint8Array): Uint8Array;
export declare class Decompress {
  constructor(ondata?: ZstdStreamHandler);
  push(chunk: Uint8Array, final?: boolean): void;
  ondata: ZstdStreamHandler;
}
