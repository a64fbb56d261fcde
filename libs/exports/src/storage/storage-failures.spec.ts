import { describeFailure } from '../runner/export-failures';
import { asStorageFailure } from './storage-failures';

describe('asStorageFailure', () => {
  const toolError = (stderr: string) => Object.assign(new Error(`Command failed: qpdf --empty --pages a.pdf -- out.pdf\n${stderr}`), { code: 2, stderr });

  it('should read the storage fault a tool prints on stderr, with the file it could not write', () => {
    const failure = asStorageFailure(toolError('qpdf: qpdf output: Pl_StdioFile::write: No space left on device\n'), '/var/exports/.work/exp_1/exp_1.pdf');
    expect(failure).toEqual(expect.objectContaining({ code: 'ENOSPC', path: '/var/exports/.work/exp_1/exp_1.pdf' }));
    expect(describeFailure(failure)).toEqual({
      message: 'Could not write the export file: the disk is full (ENOSPC at /var/exports/.work/exp_1/exp_1.pdf).',
      retryable: false,
    });
    expect(describeFailure(asStorageFailure(toolError('qpdf: out.pdf: Disk quota exceeded'), 'out.pdf')).message).toContain(
      'the disk quota is exhausted (EDQUOT at out.pdf)',
    );
  });

  it('should pass any other failure through unchanged', () => {
    const other = toolError('qpdf: a.pdf: not a PDF file');
    expect(asStorageFailure(other, 'out.pdf')).toBe(other);
    expect(describeFailure(asStorageFailure(other, 'out.pdf')).retryable).toBe(true);
  });
});
