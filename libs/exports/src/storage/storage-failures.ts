/** How tools that report errors as text (qpdf) name the storage faults: the C library's strerror texts. */
const STORAGE_TEXTS: [RegExp, string][] = [
  [/No space left on device/i, 'ENOSPC'],
  [/Disk quota exceeded/i, 'EDQUOT'],
  [/Permission denied/i, 'EACCES'],
  [/Read-only file system/i, 'EROFS'],
];

/**
 * A tool's failure (an execFile error with its stderr) as the storage fault it reports, with the
 * code and path describeFailure explains, or the error itself when it is not one.
 */
export function asStorageFailure(error: unknown, path: string): unknown {
  const { stderr, message } = (error ?? {}) as { stderr?: unknown; message?: unknown };
  const text = `${String(stderr ?? '')}\n${String(message ?? error)}`;
  const code = STORAGE_TEXTS.find(([pattern]) => pattern.test(text))?.[1];
  if (!code || (error as NodeJS.ErrnoException | null)?.code === code) return error;
  return Object.assign(new Error(String(message ?? error).trim(), { cause: error }), { code, path });
}
