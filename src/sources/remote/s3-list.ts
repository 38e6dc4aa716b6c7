/**
 * One page of S3's ListObjectsV2 answer (AWS S3 API Reference, "ListObjectsV2", Response Syntax):
 * a ListBucketResult holding Contents (Key, LastModified, Size, …), CommonPrefixes (Prefix),
 * IsTruncated and NextContinuationToken. Read by finding those elements, not by a general XML
 * parser: S3 writes them flat, without attributes, comments or CDATA, and text content has `<`
 * and `&` escaped, so an element's literal tags never occur inside another's text. Every scan
 * goes forward through the text (indexOf), never back: linear in the page's size however it is
 * made, and the caller bounds that size (./s3.ts MAX_LIST_PAGE_BYTES).
 */
export interface ListPage {
  /** CommonPrefixes' Prefix values, whole (each ends with the delimiter). */
  prefixes: string[];
  objects: Array<{ key: string; size: number; mtime: number }>;
  truncated: boolean;
  /** NextContinuationToken, null when there is none. */
  token: string | null;
}

/** XML's predefined entities (XML 1.0 §4.6) and character references (§4.1), as the SDK's parser decodes them. */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

/** The text of the first `<name>…</name>` in `xml` (one block's content, so that no search runs past it), decoded; null when there is none. */
function element(xml: string, name: string): string | null {
  const open = `<${name}>`;
  const at = xml.indexOf(open);
  if (at < 0) return null;
  const start = at + open.length;
  const end = xml.indexOf(`</${name}>`, start);
  return end < 0 ? null : decode(xml.slice(start, end));
}

/** Each `<name>…</name>` block in order, as [start, end) of its content. */
function* blocks(xml: string, name: string): Generator<[number, number]> {
  const open = `<${name}>`;
  const close = `</${name}>`;
  for (let p = xml.indexOf(open); p >= 0;) {
    const start = p + open.length;
    const end = xml.indexOf(close, start);
    if (end < 0) return;
    yield [start, end];
    p = xml.indexOf(open, end + close.length);
  }
}

/** The page, or null when the text is not a ListObjectsV2 answer. */
export function parseListPage(xml: string): ListPage | null {
  const root = xml.indexOf('<ListBucketResult');
  if (root < 0) return null;
  const page: ListPage = { prefixes: [], objects: [], truncated: false, token: null };
  for (const [s, e] of blocks(xml, 'CommonPrefixes')) {
    const prefix = element(xml.slice(s, e), 'Prefix');
    if (prefix !== null) page.prefixes.push(prefix);
  }
  // The answer's own elements come before, between and after the blocks: looked for outside them.
  let outside = '';
  let last = root;
  for (const [s, e] of blocks(xml, 'Contents')) {
    outside += xml.slice(last, s);
    last = e;
    const block = xml.slice(s, e);
    const key = element(block, 'Key');
    if (key === null) continue;
    const size = Number(element(block, 'Size') ?? '0');
    const mtime = Date.parse(element(block, 'LastModified') ?? '');
    page.objects.push({ key, size: Number.isSafeInteger(size) && size >= 0 ? size : 0, mtime: Number.isFinite(mtime) ? mtime : 0 });
  }
  outside += xml.slice(last);
  page.truncated = element(outside, 'IsTruncated')?.trim() === 'true';
  page.token = element(outside, 'NextContinuationToken');
  return page;
}
