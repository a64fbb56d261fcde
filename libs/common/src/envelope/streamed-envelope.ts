import { Injectable, StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';

import { JsonLogger } from '../logging/json-logger';
import { ProblemResponder } from '../problem/problem-responder';
import { RequestContext, RequestContextStore } from '../trace/request-context';

/** A success answer whose `data` holds one array too long to build in memory, produced a chunk at a time. */
export interface StreamedData<T> {
  /** Members of `data` before the array. */
  head: Record<string, unknown>;
  /** The array's member name in `data`. */
  field: string;
  /** The array's items a chunk at a time; the next chunk is asked for only once the previous one was written. */
  chunks: AsyncGenerator<T[], void, undefined>;
  /** Members of `data` after the array, asked for once it ended or broke off (totals of what was written). */
  tail(): Record<string, unknown>;
}

function members(values: Record<string, unknown>): string[] {
  return Object.entries(values).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
}

/**
 * Writes the success envelope (`{ code, message, data, timestamp, request_id }`) of a StreamedData as it is
 * produced: the status (200) and headers leave with the first chunk, so memory holds one chunk however
 * long the array. The first chunk is read before anything is sent, so a failure there is an ordinary
 * problem response. A later failure cannot change the status any more: the array is ended, the tail
 * written, and `data.error` holds the problem the request would have answered; the failure is logged.
 */
@Injectable()
export class EnvelopeStreamer {
  constructor(
    private readonly problems: ProblemResponder,
    private readonly logger: JsonLogger,
  ) {}

  async stream<T>(data: StreamedData<T>, request: FastifyRequest, message = 'OK'): Promise<StreamableFile> {
    const first = await data.chunks.next();
    // Later chunks are read when the socket asks for more, outside the request's async context: each
    // read is run inside it again (the tenant scope, log lines and problems need it).
    const context = RequestContextStore.current() ?? request.context;
    const body = Readable.from(this.body(data, first, request, context, message), { highWaterMark: 1 });
    return new StreamableFile(body, { type: 'application/json; charset=utf-8' });
  }

  private async *body<T>(
    data: StreamedData<T>,
    first: IteratorResult<T[], void>,
    request: FastifyRequest,
    context: RequestContext,
    message: string,
  ): AsyncGenerator<string> {
    yield `{"code":0,"message":${JSON.stringify(message)},"data":{${[...members(data.head), `${JSON.stringify(data.field)}:[`].join(',')}`;
    let next = first;
    let written = 0;
    let failure: { error: unknown } | undefined;
    try {
      while (!next.done) {
        if (next.value.length > 0) yield `${written > 0 ? ',' : ''}${next.value.map((item) => JSON.stringify(item)).join(',')}`;
        written += next.value.length;
        try {
          next = await RequestContextStore.run(context, () => data.chunks.next());
        } catch (error) {
          failure = { error };
          break;
        }
      }
    } finally {
      // The reader went away (the stream was destroyed while this waited at a yield): stop producing chunks.
      if (!next.done && !failure) await RequestContextStore.run(context, () => data.chunks.return());
    }
    const tail = members(data.tail());
    if (failure) tail.push(`"error":${JSON.stringify(this.problem(failure.error, written, request, context))}`);
    yield `]${tail.map((member) => `,${member}`).join('')}},"timestamp":${JSON.stringify(new Date().toISOString())},"request_id":${JSON.stringify(context.requestId)}}`;
  }

  private problem(error: unknown, written: number, request: FastifyRequest, context: RequestContext): unknown {
    return RequestContextStore.run(context, () => {
      this.logger.warn(`${request.method} ${request.url}: the streamed answer broke off after ${written} items; it ends with data.error`, 'envelope');
      return this.problems.render(error, request, context).body;
    });
  }
}
