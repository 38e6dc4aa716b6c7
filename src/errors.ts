/**
 * An input that cannot be read as what it claims to be. The message is one line, meant for the user;
 * callers prefix it with the file (and line or byte offset) it concerns. Anything else thrown is a bug.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(message: string) {
    super(message);
  }
}

/** One line for the user from anything thrown while reading an input: never a stack trace. */
export function describeError(err: unknown): string {
  if (err instanceof InputError) return err.message;
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    switch (e.code) {
      case 'ENOENT':
        return 'no such file or directory';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'EISDIR':
        return 'is a directory';
      case 'ELOOP':
        return 'too many levels of symbolic links';
      case 'Z_DATA_ERROR':
      case 'Z_BUF_ERROR':
        return `corrupt gzip/deflate data (${firstLine(e.message)})`;
      default:
        return `${e.code}: ${firstLine(e.message)}`;
    }
  }
  return `internal error: ${firstLine(err instanceof Error ? err.message : String(err))}`;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
