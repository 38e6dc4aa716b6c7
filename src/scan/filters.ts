/** "7d", "12h", "30m", "2w" before now, or a date Date.parse reads ("2024-01-31"). */
export function parseSince(value: string, now = Date.now()): number | null {
  const m = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (m) return now - Number(m[1]) * { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[m[2] as 's'];
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** A shell glob (*, ?, [abc]) as an anchored, case-sensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
