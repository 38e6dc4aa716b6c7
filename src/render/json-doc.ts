import { jsonText } from './escape.js';

/** `text` (JSON, whose strings hold no raw newline) with every line after the first indented by `n`. */
const indent = (text: string, n: number): string => text.replace(/\n/g, `\n${' '.repeat(n)}`);

/**
 * One JSON object written member by member, arrays item by item, laid out exactly as
 * JSON.stringify(doc, null, 2) lays it out (escaped as jsonText escapes): a report of thousands of
 * applications is written as they are diagnosed, never held.
 */
export class JsonDocWriter {
  private members = 0;
  private items = -1;

  constructor(private readonly out: (s: string) => void) {}

  /** A member whose value is written whole. */
  member(name: string, value: unknown): void {
    this.out(`${this.members++ === 0 ? '{' : ','}\n  ${JSON.stringify(name)}: ${indent(jsonText(value, 2), 2)}`);
  }

  /** Opens an array member; `item` adds to it, `closeArray` ends it. */
  openArray(name: string): void {
    this.out(`${this.members++ === 0 ? '{' : ','}\n  ${JSON.stringify(name)}: [`);
    this.items = 0;
  }

  item(value: unknown): void {
    this.out(`${this.items++ === 0 ? '' : ','}\n    ${indent(jsonText(value, 2), 4)}`);
  }

  closeArray(): void {
    this.out(this.items === 0 ? ']' : '\n  ]');
    this.items = -1;
  }

  /** Ends the document (and its line). */
  end(): void {
    this.out(this.members === 0 ? '{}\n' : '\n}\n');
  }
}
