import { Injectable, LoggerService } from '@nestjs/common';

import { AppConfig, LogLevel } from '@app/config';

import { RequestContextStore } from '../trace/request-context';

const RANK: Record<LogLevel, number> = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10 };

export interface LogSink {
  write(line: string): unknown;
}

export interface RequestLogEntry {
  method: string;
  route: string;
  url: string;
  status: number;
  duration_ms: number;
}

/**
 * JSON lines on stdout: one object per line with level, time, service and, inside a request, its
 * request_id, trace_id and span_id, so that every line of a request can be found by either id.
 */
@Injectable()
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    private readonly config: AppConfig,
    private readonly sink: LogSink = process.stdout,
  ) {
    this.threshold = RANK[config.logLevel];
  }

  log(message: unknown, context?: string): void { this.write('info', message, context); }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const stack = context !== undefined ? stackOrContext : undefined;
    this.write('error', message, context ?? stackOrContext, stack ? { stack } : undefined);
  }
  warn(message: unknown, context?: string, fields?: Record<string, unknown>): void { this.write('warn', message, context, fields); }
  debug(message: unknown, context?: string): void { this.write('debug', message, context); }
  verbose(message: unknown, context?: string): void { this.write('trace', message, context); }
  fatal(message: unknown, context?: string): void { this.write('fatal', message, context); }

  /** The one line written per request when its response is sent. */
  request(entry: RequestLogEntry): void {
    const level: LogLevel = entry.status >= 500 ? 'error' : 'info';
    this.write(level, `${entry.method} ${entry.route} ${entry.status} ${entry.duration_ms}ms`, 'http', { ...entry });
  }

  /** An error with its cause, for failures the client is told nothing about. */
  failure(message: string, error: unknown, context: string): void {
    const details = error instanceof Error ? { error: error.message, error_name: error.name, stack: error.stack } : { error: String(error) };
    this.write('error', message, context, details);
  }

  private write(level: LogLevel, message: unknown, context: string | undefined, fields?: Record<string, unknown>): void {
    if (RANK[level] < this.threshold) return;
    const request = RequestContextStore.current();
    const line: Record<string, unknown> = {
      level,
      time: new Date().toISOString(),
      service: this.config.serviceName,
      context,
      msg: typeof message === 'string' ? message : message instanceof Error ? message.message : JSON.stringify(message),
      ...fields,
    };
    if (request) {
      line.request_id = request.requestId;
      line.trace_id = request.trace.traceId;
      line.span_id = request.trace.spanId;
    }
    this.sink.write(`${JSON.stringify(line)}\n`);
  }
}
