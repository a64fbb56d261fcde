export const en = {
  problems: {
    'validation-error': { title: 'Invalid request parameters', detail: '{count} field(s) of the request are invalid.' },
    'malformed-json': { title: 'Malformed JSON body', detail: 'The request body could not be parsed as JSON.' },
    'invalid-cursor': { title: 'Invalid cursor', detail: 'The cursor is invalid, was altered, or belongs to another list. Request the first page again.' },
    'bad-request': { title: 'Bad request', detail: 'The request could not be understood.' },
    unauthorized: { title: 'Authentication required', detail: 'A valid credential is required.' },
    forbidden: { title: 'Access denied', detail: 'This operation needs the scope {scope}.' },
    'route-not-found': { title: 'Route not found', detail: 'No operation exists at {method} {path}.' },
    'resource-not-found': { title: 'Resource not found', detail: '{resource} {id} was not found.' },
    'method-not-allowed': { title: 'Method not allowed', detail: '{method} is not allowed on this path; allowed: {allowed}.' },
    conflict: { title: 'Conflict', detail: 'A {resource} with the same {fields} already exists.' },
    'precondition-failed': { title: 'Precondition failed', detail: 'The resource has changed: If-Match named version {expected}, the current version is {current}.' },
    'payload-too-large': { title: 'Payload too large', detail: 'The request body exceeds {limit_bytes} bytes.' },
    'unsupported-media-type': { title: 'Unsupported media type', detail: 'Content-Type {content_type} is not supported here; send application/json.' },
    'unprocessable-entity': { title: 'Unprocessable request', detail: 'The request is well formed but cannot be processed.' },
    'rate-limited': { title: 'Too many requests', detail: 'Too many requests; retry after {retry_after} seconds.' },
    'internal-error': { title: 'Internal server error', detail: 'An unexpected error occurred. Quote request id {request_id} when reporting it.' },
    'service-unavailable': { title: 'Service unavailable', detail: 'A dependency of the service is unavailable; retry later.' },
  },
  validation: {
    required: '{field} is required.',
    type: '{field} has the wrong type.',
    format: '{field} has an invalid format.',
    range: '{field} is out of range.',
    length: '{field} has an invalid length.',
    enum: '{field} must be one of the allowed values.',
    unknown: '{field} is not a known field.',
    invalid: '{field} is invalid.',
  },
  messages: {
    ok: 'OK',
    created: 'Created',
    list: 'OK',
  },
};

export type Translations = typeof en;
