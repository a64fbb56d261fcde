import { ProblemException } from '../problem/problem.exception';
import { HealthController } from './health.controller';
import { CheckState, ReadinessCheck } from './readiness';

const check = (name: string, answer: boolean | CheckState | Error, optional?: boolean): ReadinessCheck => ({
  name,
  optional,
  isReady: () => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)),
});

describe('HealthController.ready', () => {
  it('should answer ok when every check is up', async () => {
    const controller = new HealthController([check('database', true), check('replica', 'up', true)]);
    await expect(controller.ready()).resolves.toEqual({ status: 'ok', checks: { database: 'up', replica: 'up' } });
  });

  it('should stay ready, degraded, while an optional check is lagging or down', async () => {
    for (const state of ['lagging', 'down'] as const) {
      const controller = new HealthController([check('database', true), check('replica', state, true)]);
      await expect(controller.ready()).resolves.toEqual({ status: 'degraded', checks: { database: 'up', replica: state } });
    }
  });

  it('should refuse with 503 naming the required checks that are not up, a failing check counting as down', async () => {
    const controller = new HealthController([check('database', new Error('refused')), check('redis', 'lagging'), check('replica', false, true)]);
    const refused = await controller.ready().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ProblemException);
    const problem = refused as ProblemException;
    expect(problem.problemType.status).toBe(503);
    expect(problem.options.detail).toBe('Not ready: database, redis unavailable.');
    expect(problem.options.extensions).toEqual({ checks: { database: 'down', redis: 'lagging', replica: 'down' } });
  });
});
