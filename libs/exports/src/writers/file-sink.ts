import { once } from 'node:events';
import { createWriteStream, WriteStream } from 'node:fs';

/** A file written in chunks with back-pressure: `write` waits when the stream's buffer is full. */
export class FileSink {
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(text)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'error').then(([error]) => Promise.reject(error))]);
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
  }

  destroy(): void {
    this.stream.destroy();
  }
}
