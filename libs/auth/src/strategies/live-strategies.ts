import passport, { Strategy } from 'passport';

/**
 * Passport keeps one strategy per name for the whole process, and Nest's PassportStrategy registers each
 * new instance under its name. With two apps in one process (an api started and closed while another
 * runs, as tests do), the last one started would go on serving the other after it closed, through its
 * closed database pool. So each strategy is registered here too, and steps back when its app closes:
 * its name goes back to the newest strategy of an app still running.
 */
const live = new Map<string, Strategy[]>();

export function strategyStarted(name: string, strategy: Strategy): void {
  live.set(name, [...(live.get(name) ?? []), strategy]);
}

export function strategyStopped(name: string, strategy: Strategy): void {
  const left = (live.get(name) ?? []).filter((other) => other !== strategy);
  live.set(name, left);
  const newest = left.at(-1);
  if (newest) passport.use(name, newest);
  else passport.unuse(name);
}
