/** What /health/ready says of one dependency: `lagging` is a read replica too far behind to serve. */
export type CheckState = 'up' | 'down' | 'lagging';

/** A dependency that /health/ready checks; each process registers its own list under READINESS_CHECKS. */
export interface ReadinessCheck {
  name: string;
  /**
   * The process serves without it (a read replica, whose reads the primary takes over): its state is
   * reported, and makes the status `degraded`, but never makes the process unready.
   */
  optional?: boolean;
  isReady(): Promise<boolean | CheckState>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
