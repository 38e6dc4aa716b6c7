import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { escapeControl, escapeMarkdown, markdownCode } from '../../src/render/escape.js';

/** GitHub-flavoured Markdown as GitHub renders it: CommonMark plus tables, strikethrough, autolink literals. */
const render = (md: string): string => micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
const decode = (h: string): string =>
  h.replace(/&(lt|gt|quot|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e as 'lt']);

/** Text a log or a path may hold that Markdown would act on, or that a code span could not hold as it was. */
const HOSTILE = [
  '/logs/we`ird/app.zstd',
  '`x`',
  '``double`` and `single`',
  '`starts with a backtick',
  'ends with a backtick`',
  ' spaced both sides ',
  ' leading space',
  '```',
  'a | b | c',
  '[a](http://evil) ![i](j) <img src=x onerror=alert(1)> <b>bold</b>',
  '*em* _em_ **strong** ~~gone~~ ~one~',
  'see https://evil.example/x or www.evil.example or mail root@evil.example',
  'HTTP://EVIL.EXAMPLE WWW.EVIL.EXAMPLE',
  '&amp; &#60; &lt;',
  'back\\slash \\` \\*',
  'trailing hashes ##',
  'ctl \u001b[31mred\u0007 \u202eevil\n# head',
];

describe('Markdown escapes show text from an input exactly, as nothing but text', () => {
  for (const s of HOSTILE) {
    it(`code span: ${JSON.stringify(s)}`, () => {
      const html = render(`- ${markdownCode(s)}: after`);
      const m = /^<ul>\n<li><code>([^<]*)<\/code>: after<\/li>\n<\/ul>$/.exec(html);
      expect(m, html).not.toBeNull();
      expect(decode(m![1]!)).toBe(escapeControl(s));
    });
    it(`prose, in a list item and a heading: ${JSON.stringify(s)}`, () => {
      const item = render(`- before ${escapeMarkdown(s)} after`);
      const m = /^<ul>\n<li>before ([^<]*) after<\/li>\n<\/ul>$/.exec(item);
      expect(m, item).not.toBeNull();
      expect(decode(m![1]!)).toBe(escapeControl(s));
      const heading = render(`### app ${escapeMarkdown(s)}`);
      const h = /^<h3>app ([^<]*)<\/h3>$/.exec(heading);
      expect(h, heading).not.toBeNull();
      expect(decode(h![1]!)).toBe(escapeControl(s).trimEnd());
    });
  }

  it('a code span or prose line full of pipes is no table, even above a line of dashes', () => {
    for (const line of [`- ${markdownCode('a | b')}`, escapeMarkdown('a | b')])
      expect(render(`${line}\n---|---\n`)).not.toContain('<table>');
  });
});
