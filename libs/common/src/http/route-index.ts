import { Injectable } from '@nestjs/common';
import FindMyWay, { HTTPMethod } from 'find-my-way';

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Every registered route, so that an unmatched request can be told apart: a path that exists under
 * other methods (405 with Allow) from a path that does not exist (404). Fastify answers 404 for both.
 */
@Injectable()
export class RouteIndex {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });
  private readonly seen = new Set<string>();

  add(method: string | string[], url: string): void {
    for (const m of Array.isArray(method) ? method : [method]) {
      const key = `${m} ${url}`;
      if (this.seen.has(key) || !METHODS.includes(m as HTTPMethod)) continue;
      this.seen.add(key);
      this.router.on(m as HTTPMethod, url, () => undefined);
    }
  }

  /** The methods the path accepts, empty when no route has the path. */
  allowedMethods(path: string): string[] {
    const pathOnly = path.split('?')[0];
    return METHODS.filter((method) => method !== 'HEAD' && method !== 'OPTIONS' && this.router.find(method, pathOnly) !== null);
  }
}
