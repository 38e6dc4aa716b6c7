import { createHash } from 'node:crypto';
import { html } from './escape.js';

/**
 * The page around a report: one file that needs nothing else. No script at all (details and SVG
 * titles give what interaction there is), one style sheet, and a Content-Security-Policy that allows
 * that style sheet by its hash and nothing else: no network, no script, no image, no frame, no form.
 * Input reaches the page only as escaped text (escape.ts), so no CSP violation is possible unless the
 * escaping fails — the browser tests watch the console for one.
 */

/** Region colours, shared by the bars, their legend and the tables. */
export const REGION_COLOUR = {
  notCounted: '#d5d9de',
  reserved: '#9aa3ad',
  user: '#79a6d6',
  storage: '#62b58a',
  execution: '#efb547',
  overhead: '#e07a68',
  offHeap: '#a88fd8',
  pyspark: '#4db3bf',
  heap: '#79a6d6',
} as const;

const CSS = `
:root{--fg:#1d232a;--muted:#5f6b77;--line:#dde2e7;--bg:#f6f7f9;--card:#fff;--crit:#c0392b;--warn:#b7791f;--info:#4a6378;--ok:#2f855a;--code:#f1f3f5}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px;display:flex;flex-direction:column;gap:18px}
h1{font-size:20px;margin:0}
h2{font-size:16px;margin:0 0 10px}
h3{font-size:14px;margin:14px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
a{color:#1f5fa8}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
code{background:var(--code);padding:1px 4px;border-radius:3px;word-break:break-all}
.muted{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px}
.top{order:-2}
.index{order:-1}
.app{display:flex;flex-direction:column;gap:14px;scroll-margin-top:12px}
main>.app+.app{margin-top:18px;padding-top:26px;border-top:3px solid var(--line)}
.apphead{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 14px}
.apphead .id{font-weight:600}
.tags{display:flex;gap:6px;flex-wrap:wrap}
.tag{font-size:12px;border:1px solid var(--line);border-radius:10px;padding:0 8px;background:#fafbfc;color:var(--muted)}
.tag.failed,.tag.incomplete{color:var(--crit);border-color:#efc4bf;background:#fdf3f2}
.tag.succeeded{color:var(--ok);border-color:#bfe0cc;background:#f2faf5}
.verdict{border-left:6px solid var(--ok);padding:12px 16px;background:var(--card);border-radius:8px;border-top:1px solid var(--line);border-right:1px solid var(--line);border-bottom:1px solid var(--line)}
.verdict.critical{border-left-color:var(--crit)}
.verdict.warning{border-left-color:var(--warn)}
.verdict.info{border-left-color:var(--info)}
.verdict .label{font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.06em}
.verdict.critical .label{color:var(--crit)}
.verdict.warning .label{color:var(--warn)}
.verdict.ok .label{color:var(--ok)}
.verdict .text{font-size:17px;font-weight:600;margin:2px 0 4px}
.sev{font-weight:600}
.sev.critical{color:var(--crit)}
.sev.warning{color:var(--warn)}
.sev.info{color:var(--info)}
.conf{display:block;background:#0f1720;color:#e6edf3;border-radius:6px;padding:10px 12px;margin:6px 0;white-space:pre-wrap;word-break:break-all}
ul.changes{list-style:none;padding:0;margin:0}
ul.changes li{margin:0 0 10px}
ul.changes .why{color:var(--muted);margin-left:2px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ba{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;align-items:center}
.evidence li{margin-bottom:6px}
.evidence .src{display:inline-block;color:var(--muted);margin-bottom:2px}
.evidence .quote{display:block;white-space:pre-wrap;word-break:break-word}
ol,ul{padding-left:20px;margin:4px 0}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--muted);margin-top:4px}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
${Object.entries(REGION_COLOUR)
  .map(([k, v]) => `.r-${k}{background:${v}}`)
  .join('')}
svg{display:block;width:100%;height:auto;overflow:visible}
svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#3b4650}
svg .lbl{font-size:11px;fill:#fff;font-weight:600}
svg .lbl.dark{fill:#1d232a}
svg .axis{stroke:#c3cad1;stroke-width:1}
svg .grid{stroke:#eef1f4;stroke-width:1}
svg .kill{stroke:var(--crit);stroke-width:2}
svg .killtext{fill:var(--crit);font-weight:700}
svg .limit{stroke:#1d232a;stroke-width:1.5;stroke-dasharray:4 3}
svg .after{fill:none;stroke:#1d232a;stroke-width:1.5;stroke-dasharray:2 2}
svg .peak{fill:#1d232a}
svg .peak.over{fill:var(--crit)}
svg .job{fill:#8fb3da}
svg .job.failed,svg .stage.failed{fill:var(--crit)}
svg .stage{fill:#b7c8d9}
svg .exec{fill:#9bc9a8}
svg .exec.lost{fill:#e6a29a}
svg .ftask{fill:var(--crit);opacity:.55}
svg .count{fill:#62b58a}
svg .count.failed{fill:var(--crit)}
.tl-job{background:#8fb3da}.tl-stage{background:#b7c8d9}.tl-exec{background:#9bc9a8}.tl-lost{background:#e6a29a}.tl-fail{background:var(--crit)}
svg.babar{display:inline-block;width:200px;height:14px}
.findings .f{border-top:1px solid var(--line);padding:10px 0}
.findings .f:first-child{border-top:0}
details>summary{cursor:pointer}
.rows{display:flex;flex-direction:column;gap:6px}
.row>summary{display:grid;grid-template-columns:minmax(0,2.3fr) minmax(0,1.5fr) 92px 96px minmax(0,1.7fr) minmax(0,1.2fr);gap:10px;padding:8px 12px;background:var(--card);border:1px solid var(--line);border-radius:6px;list-style:none;align-items:baseline}
.row>summary::-webkit-details-marker{display:none}
.row.failed>summary{border-left:4px solid var(--crit)}
.row.error>summary{border-left:4px solid var(--warn)}
.readerror{color:var(--warn)}
.row>summary span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.row>summary .tag{justify-self:start}
.row[open]>summary{border-radius:6px 6px 0 0}
.row>.app{border:1px solid var(--line);border-top:0;border-radius:0 0 6px 6px;padding:14px;background:#fbfcfd}
.rowhead{display:grid;grid-template-columns:minmax(0,2.3fr) minmax(0,1.5fr) 92px 96px minmax(0,1.7fr) minmax(0,1.2fr);gap:10px;padding:0 12px;font-size:12px;color:var(--muted);font-weight:600}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media (max-width:800px){.cols{grid-template-columns:1fr}}
@media print{body{background:#fff}main{max-width:none;padding:0}.card,.verdict{break-inside:avoid;border-color:#bbb}.conf{background:#fff;color:#000;border:1px solid #999}a{color:inherit;text-decoration:none}}
`;

let policy: string | undefined;
/**
 * What the page may load or run: its own style sheet (by hash), nothing else. Hashed at the first
 * page, not when this module is evaluated, so a run without HTML does not load node:crypto
 * (esbuild.config.mjs, LAZY_BUILTINS).
 */
export const csp = (): string =>
  (policy ??= `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'`);

/** The page's start: doctype, charset, policy, title, style, and the opening of <main>. */
export function pageStart(title: string): string {
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${csp()}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    '<meta name="referrer" content="no-referrer">\n' +
    `<title>${html(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<main>\n`
  );
}

export const pageEnd = (): string => '</main>\n</body>\n</html>\n';
