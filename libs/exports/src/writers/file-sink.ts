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

  async write(text: string | Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(text)) await this.drained();
  }

  /** Waits for the buffer to empty, or fails with the stream's error (listeners removed either way). */
  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', closed);
        if (error) reject(error);
        else resolve();
      };
      // A destroyed stream emits neither drain nor error: a writer waiting on it must not wait forever.
      const closed = (): void => done(this.failure ?? new Error(`${this.path} was closed while being written`));
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', closed);
    });
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
