import { Principal, ProblemException, ProblemTypes } from '@app/common';

import { EVENT_READ_SCOPE, EVENT_TYPES, EventType } from '../event-types';

/**
 * The types a reader receives: those it asked for, each needing its read scope (403 naming the first
 * missing one), or, when it named none, every type its credential may read (403 when that is none).
 */
export function streamTypes(principal: Principal, requested: readonly EventType[] | undefined): Set<EventType> {
  const may = (type: EventType) => principal.isAdmin || principal.scopes.has(EVENT_READ_SCOPE[type]);
  const types = requested?.length ? requested : EVENT_TYPES.filter(may);
  const refused = requested?.length ? types.find((type) => !may(type)) : types.length === 0 ? EVENT_TYPES[0] : undefined;
  if (refused) throw new ProblemException(ProblemTypes.missingScope, { args: { scope: EVENT_READ_SCOPE[refused] } });
  return new Set(types);
}

const EVENT_ID = /^evt_[0-9A-Z]{26}$/;

/** Last-Event-ID as we issue them; anything else is a validation error (a browser only echoes our ids). */
export function checkLastEventId(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!EVENT_ID.test(value)) {
    throw new ProblemException(ProblemTypes.validationError, {
      errors: [
        {
          field: 'Last-Event-ID',
          pointer: '/headers/last-event-id',
          code: 'format',
          description: 'Last-Event-ID must be an event id (evt_ followed by 26 characters)',
        },
      ],
    });
  }
  return value;
}
