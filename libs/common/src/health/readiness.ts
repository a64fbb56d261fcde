/** A dependency that /health/ready checks; each process registers its own list under READINESS_CHECKS. */
export interface ReadinessCheck {
  name: string;
  isReady(): Promise<boolean>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
