import { EventEmitter } from 'node:events';

import type { AppConfig } from '@app/config';

import { EventStreams } from './event-streams';
import { HeldEvent, LiveEventHub, LiveListener } from './live-event-hub';

class FakeRaw extends EventEmitter {
  writableLength = 0;
  written: string[] = [];
  ended: string | undefined | null = null;
  writeHead = jest.fn();
  write(text: string): boolean {
    this.written.push(text);
    return true;
  }
  end(text?: string): void {
    this.ended = text;
  }
}

function event(n: number, type = 'alert.created', data: Record<string, unknown> = { severity: 'high' }): HeldEvent {
  const payload = JSON.stringify({ type, timestamp: '2026-01-01T00:00:00.000Z', data });
  return { tenantId: 'tnt_1', id: `evt_${n}`, type, payload, position: `1000-${n}`, data, frame: `id: evt_${n}\nevent: ${type}\ndata: ${payload}\n\n` };
}

describe('EventStreams', () => {
  const config = { eventsMaxBufferedBytes: 1024, eventsHeartbeatSeconds: 3600, eventsResumeWindow: 1000 } as AppConfig;
  let listener: LiveListener | null;
  let stopped: boolean;
  let replay: HeldEvent[] | null;
  const hub = {
    listen: (_tenant: string, l: LiveListener) => {
      listener = l;
      return () => {
        stopped = true;
      };
    },
    since: async () => replay,
  } as unknown as LiveEventHub;

  beforeEach(() => {
    listener = null;
    stopped = false;
    replay = [];
  });

  async function open(lastEventId?: string, filter = {}): Promise<FakeRaw> {
    const raw = new FakeRaw();
    const reply = { raw, hijack: jest.fn(), getHeaders: () => ({ 'access-control-allow-origin': 'https://console.example.com' }) };
    await new EventStreams(hub, config).stream(reply as never, { tenantId: 'tnt_1', types: new Set(['alert.created']), filter, lastEventId });
    return raw;
  }

  const frames = (raw: FakeRaw) => raw.written.filter((text) => text.startsWith('id: ')).map((text) => /id: (\S+)/.exec(text)?.[1]);

  it('should write the request hooks’ headers with the event-stream ones', async () => {
    const raw = await open();
    expect(raw.writeHead).toHaveBeenCalledWith(
      200,
      expect.objectContaining({ 'access-control-allow-origin': 'https://console.example.com', 'content-type': 'text/event-stream; charset=utf-8' }),
    );
  });

  it('should replay after Last-Event-ID, then send live events once each, in stream order', async () => {
    replay = [event(2), event(3)];
    const raw = await open('evt_1');
    (listener as LiveListener)(event(3)); // also in the replay
    (listener as LiveListener)(event(4));
    expect(frames(raw)).toEqual(['evt_2', 'evt_3', 'evt_4']);
  });

  it('should send only the types and filter asked for', async () => {
    const raw = await open(undefined, { severity: ['critical'] });
    (listener as LiveListener)(event(1, 'alert.updated'));
    (listener as LiveListener)(event(2, 'alert.created', { severity: 'low' }));
    (listener as LiveListener)(event(3, 'alert.created', { severity: 'critical' }));
    expect(frames(raw)).toEqual(['evt_3']);
  });

  it('should say when Last-Event-ID is older than the window', async () => {
    replay = null;
    const raw = await open('evt_0');
    expect(raw.written.some((text) => text.startsWith('event: stream.gap\n'))).toBe(true);
  });

  it('should drop a reader that leaves too much unread, with a final event, and stop listening', async () => {
    const raw = await open();
    (listener as LiveListener)(event(1));
    raw.writableLength = 5_000;
    (listener as LiveListener)(event(2));
    (listener as LiveListener)(event(3));
    expect(frames(raw)).toEqual(['evt_1']);
    expect(raw.ended).toMatch(/^event: stream\.dropped\ndata: .*"last_event_id":"evt_2"/);
    expect(stopped).toBe(true);
  });
});
