import { allowedActions, canApply, LIFECYCLE_ACTIONS, TARGET_STATUS } from './alert-state-machine';

describe('alert state machine', () => {
  it('should let open work be triaged but not reopened', () => {
    expect(allowedActions('open')).toEqual(['acknowledge', 'escalate', 'resolve', 'dismiss']);
    expect(canApply('open', 'reopen')).toBe(false);
  });

  it('should let closed work only be reopened', () => {
    for (const status of ['resolved', 'dismissed'] as const) {
      expect(LIFECYCLE_ACTIONS.filter((action) => canApply(status, action))).toEqual(['reopen']);
    }
  });

  it('should never allow an action that keeps the status as it is', () => {
    for (const status of ['open', 'acknowledged', 'escalated', 'resolved', 'dismissed'] as const) {
      for (const action of allowedActions(status)) expect(TARGET_STATUS[action]).not.toBe(status);
    }
  });
});
