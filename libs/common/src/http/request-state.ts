import { RequestContext } from '../trace/request-context';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the onRequest hook before anything else runs. */
    context: RequestContext;
  }
}
