import { Injectable, LoggerService } from '@nestjs/common';
import type { DestinationStream, Logger } from 'pino';

import { AppConfig, LogLevel } from '@app/config';

import { createPinoLogger } from './pino';

export interface LogSink {
  write(line: string): unknown;
}

export interface RequestLogEntry {
  method: string;
  route: string;
  url: string;
  status: number;
  duration_ms: number;
  /** The credential that made the request (`jwt:…`, `key:…`), when one was accepted. */
  principal?: string;
  /** The request headers, at debug level only (credentials redacted by pino). */
  headers?: Record<string, unknown>;
}

/**
 * Our log lines through pino (the same logger nestjs-pino gives Nest): level, time, service, context,
 * msg and, inside a request, its request_id, trace_id and span_id, so that every line of a request can
 * be found by either id. The methods beyond Nest's: one line per request, failures with their cause,
 * warnings with fields.
 */
@Injectable()
export class JsonLogger implements LoggerService {
  readonly pino: Logger;

  constructor(config: AppConfig, sink?: LogSink, logger?: Logger) {
    this.pino = logger ?? createPinoLogger(config, sink as DestinationStream | undefined);
  }

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const stack = context !== undefined ? stackOrContext : undefined;
    this.write('error', message, context ?? stackOrContext, stack ? { stack } : undefined);
  }
  warn(message: unknown, context?: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, context, fields);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  /** Whether lines of `level` are written (to skip building what would be dropped). */
  enabled(level: LogLevel): boolean {
    return this.pino.isLevelEnabled(level);
  }

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
    if (!this.pino.isLevelEnabled(level)) return;
    const msg = typeof message === 'string' ? message : message instanceof Error ? message.message : JSON.stringify(message);
    this.pino[level]({ context, ...fields }, msg);
  }
}
