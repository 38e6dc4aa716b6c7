/**
 * The words schemas.ts's table of event fields is written in. A field is a plain object, so declaring
 * the table costs nothing at start; schemas.ts builds the zod schemas from it (at their first need)
 * and check.ts its checks without zod, so the two read the same fields, kinds and order by
 * construction. Each word is named for the zod schema it becomes.
 */
export interface Num {
  readonly kind: 'num';
}
export interface Str {
  readonly kind: 'str';
}
export interface Bool {
  readonly kind: 'bool';
}
/** A string or a number, kept as it is (zod's union of string and number, in that order). */
export interface StrOrNum {
  readonly kind: 'strOrNum';
}
/** Anything, kept as it is. Only ever inside opt(): zod makes an unknown key optional. */
export interface Unknown {
  readonly kind: 'unknown';
}
/** A record of anything as text, nulls dropped (stringMapOf). */
export interface StringMap {
  readonly kind: 'stringMap';
}
/** A record of anything, numbers only (metricMapOf). */
export interface MetricMap {
  readonly kind: 'metricMap';
}
/** zod's nullish(): in an object, the key may be absent (and is then left out) or null (kept as null). */
export interface Opt<F extends Field = Field> {
  readonly kind: 'opt';
  readonly of: F;
}
export interface Arr<F extends Field = Field> {
  readonly kind: 'array';
  readonly of: F;
}
/** A record of string keys. */
export interface Rec<F extends Field = Field> {
  readonly kind: 'record';
  readonly of: F;
}
/** zod's object: the keys of `shape` in its order (keys that are not array indexes keep their order); others dropped. */
export interface Obj<S extends Shape = Shape> {
  readonly kind: 'obj';
  readonly shape: S;
}
export type Shape = { readonly [key: string]: Field };
export type Field = Num | Str | Bool | StrOrNum | Unknown | StringMap | MetricMap | Opt | Arr | Rec | Obj;

export const num: Num = { kind: 'num' };
export const str: Str = { kind: 'str' };
export const bool: Bool = { kind: 'bool' };
export const strOrNum: StrOrNum = { kind: 'strOrNum' };
export const unknown: Unknown = { kind: 'unknown' };
export const stringMap: StringMap = { kind: 'stringMap' };
export const metricMap: MetricMap = { kind: 'metricMap' };
export const opt = <F extends Field>(of: F): Opt<F> => ({ kind: 'opt', of });
export const array = <F extends Field>(of: F): Arr<F> => ({ kind: 'array', of });
export const record = <F extends Field>(of: F): Rec<F> => ({ kind: 'record', of });
export const obj = <S extends Shape>(shape: S): Obj<S> => ({ kind: 'obj', shape });

/** What a field reads as: the type zod's output has for the schema the field becomes. */
export type Out<F> = F extends Num
  ? number
  : F extends Str
    ? string
    : F extends Bool
      ? boolean
      : F extends StrOrNum
        ? string | number
        : F extends Unknown
          ? unknown
          : F extends StringMap
            ? Record<string, string>
            : F extends MetricMap
              ? Record<string, number>
              : F extends Opt<infer G>
                ? Out<G> | null | undefined
                : F extends Arr<infer G>
                  ? Array<Out<G>>
                  : F extends Rec<infer G>
                    ? Record<string, Out<G>>
                    : F extends Obj<infer S>
                      ? ObjOut<S>
                      : never;
/** An object's keys: the required ones as they read, the opt() ones optional. */
type ObjOut<S extends Shape> = Flat<
  { -readonly [K in keyof S as S[K] extends Opt ? never : K]: Out<S[K]> } & {
    -readonly [K in keyof S as S[K] extends Opt ? K : never]?: Out<S[K]>;
  }
>;
type Flat<T> = { [K in keyof T]: T[K] };

/** A property value as text; a nested object (never Spark's own, but a log may hold one) as its JSON, not "[object Object]". */
const scalarText = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : (JSON.stringify(v) ?? '');
/** Properties (a record of anything) as text, nulls dropped: stringMap's reading, in zod and in check.ts. */
export function stringMapOf(r: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined) out[k] = scalarText(v);
  return out;
}
/** Executor metrics (a record of anything), numbers only: metricMap's reading, in zod and in check.ts. */
export function metricMapOf(r: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (typeof v === 'number') out[k] = v;
  return out;
}
