import passport, { Strategy } from 'passport';

import { strategyStarted, strategyStopped } from './live-strategies';

type Registry = { _strategy(name: string): Strategy | undefined };

describe('live strategies', () => {
  const name = 'live-strategies-spec';
  const strategy = (): Strategy => ({ authenticate: () => undefined }) as unknown as Strategy;

  it('should hand the name back to the older app’s strategy when the newer app closes, and free it when none is left', () => {
    const older = strategy();
    const newer = strategy();
    for (const started of [older, newer]) {
      passport.use(name, started); // what Nest's PassportStrategy does when it is constructed
      strategyStarted(name, started);
    }
    strategyStopped(name, newer);
    expect((passport as unknown as Registry)._strategy(name)).toBe(older);
    strategyStopped(name, older);
    expect((passport as unknown as Registry)._strategy(name)).toBeUndefined();
  });
});
