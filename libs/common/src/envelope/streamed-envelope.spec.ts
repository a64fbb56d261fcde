import { StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { JsonLogger } from '../logging/json-logger';
import { ProblemResponder } from '../problem/problem-responder';
import { RequestContext, RequestContextStore } from '../trace/request-context';
import { envelope } from './envelope';
import { EnvelopeStreamer, StreamedData } from './streamed-envelope';

interface Outcome {
  id: string;
  outcome: string;
}

const context = { requestId: 'req_stream_1', trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, startedAt: 0n } as RequestContext;
const request = { method: 'POST', url: '/v1/alerts/bulk/acknowledge', headers: {}, context } as unknown as FastifyRequest;

describe('EnvelopeStreamer', () => {
  const warn = jest.fn();
  const problem = { type: '/problems/internal-error', status: 500, code: 10000016 };
  const responder = {
    render: (_error: unknown, _request: FastifyRequest, ctx: RequestContext) => ({ status: 500, headers: {}, body: { ...problem, request_id: ctx.requestId } }),
  };
  const streamer = new EnvelopeStreamer(responder as unknown as ProblemResponder, { warn } as unknown as JsonLogger);

  beforeEach(() => warn.mockReset());

  /** Outcomes in chunks, counted as the bulk action counts them; `fail` throws instead of the chunk at that index. */
  function data(chunks: Outcome[][], options: { fail?: number; seen?: (string | undefined)[]; closed?: () => void } = {}): StreamedData<Outcome> {
    const totals = { matched: 0, updated: 0, failed: 0 };
    async function* produce(): AsyncGenerator<Outcome[], void, undefined> {
      try {
        for (let i = 0; i < chunks.length; i++) {
          await Promise.resolve();
          options.seen?.push(RequestContextStore.current()?.requestId);
          if (i === options.fail) throw new Error('the database went away');
          totals.matched += chunks[i].length;
          totals.updated += chunks[i].filter((o) => o.outcome === 'updated').length;
          totals.failed = totals.matched - totals.updated;
          yield chunks[i];
        }
      } finally {
        options.closed?.();
      }
    }
    return { head: { action: 'acknowledge' }, field: 'outcomes', chunks: produce(), tail: () => ({ ...totals }) };
  }

  async function read(file: StreamableFile): Promise<string> {
    let text = '';
    for await (const part of file.getStream()) text += String(part);
    return text;
  }

  const chunk = (from: number, n: number, outcome = 'updated'): Outcome[] => Array.from({ length: n }, (_, i) => ({ id: `alr_${from + i}`, outcome }));

  it('should write a body that parses to the envelope the whole answer would have been', async () => {
    const chunks = [chunk(0, 3), [], chunk(3, 2, 'invalid_transition'), chunk(5, 1)];
    const file = await RequestContextStore.run(context, () => streamer.stream(data(chunks), request));
    expect(file.getHeaders().type).toBe('application/json; charset=utf-8');
    const body = JSON.parse(await read(file));
    const whole = RequestContextStore.run(context, () => envelope({ action: 'acknowledge', outcomes: chunks.flat(), matched: 6, updated: 4, failed: 2 }));
    expect(body).toEqual({ ...whole, timestamp: expect.any(String) });
    expect(warn).not.toHaveBeenCalled();
  });

  it('should write an empty array and zero totals when nothing matched', async () => {
    const body = JSON.parse(await read(await RequestContextStore.run(context, () => streamer.stream(data([]), request))));
    expect(body.data).toEqual({ action: 'acknowledge', outcomes: [], matched: 0, updated: 0, failed: 0 });
  });

  it('should reject before anything is sent when the first chunk fails, so the request answers a problem', async () => {
    await expect(RequestContextStore.run(context, () => streamer.stream(data([chunk(0, 2)], { fail: 0 }), request))).rejects.toThrow('the database went away');
  });

  it('should end the array, write the totals of what was written and the problem as data.error when a later chunk fails', async () => {
    const file = await RequestContextStore.run(context, () => streamer.stream(data([chunk(0, 2), chunk(2, 2), chunk(4, 2)], { fail: 2 }), request));
    const body = JSON.parse(await read(file));
    expect(body.code).toBe(0);
    expect(body.data).toEqual({
      action: 'acknowledge',
      outcomes: chunk(0, 4),
      matched: 4,
      updated: 4,
      failed: 0,
      error: { ...problem, request_id: 'req_stream_1' },
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('broke off after 4 items'), 'envelope');
  });

  it('should produce every later chunk inside the request context, whoever reads the stream', async () => {
    const seen: (string | undefined)[] = [];
    const file = await RequestContextStore.run(context, () => streamer.stream(data([chunk(0, 1), chunk(1, 1), chunk(2, 1)], { seen }), request));
    expect(RequestContextStore.current()).toBeUndefined();
    await read(file);
    expect(seen).toEqual(['req_stream_1', 'req_stream_1', 'req_stream_1']);
  });

  it('should stop producing chunks when the reader goes away', async () => {
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    const seen: (string | undefined)[] = [];
    const file = await RequestContextStore.run(context, () =>
      streamer.stream(data([chunk(0, 1), chunk(1, 1), chunk(2, 1), chunk(3, 1), chunk(4, 1)], { seen, closed }), request),
    );
    const parts: string[] = [];
    for await (const part of file.getStream()) {
      parts.push(String(part));
      if (parts.length === 2) break;
    }
    await done;
    expect(seen.length).toBeLessThan(5);
    expect(warn).not.toHaveBeenCalled();
  });
});
