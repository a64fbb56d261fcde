import { acceptRequestId, continueTrace, formatTraceparent } from './trace-context';

describe('continueTrace', () => {
  const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('should keep the trace id of a valid traceparent and open a new span under it', () => {
    const trace = continueTrace(incoming);
    expect(trace.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace.parentSpanId).toBe('00f067aa0ba902b7');
    expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.spanId).not.toBe('00f067aa0ba902b7');
    expect(formatTraceparent(trace)).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${trace.spanId}-01`);
  });

  it.each([
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['the forbidden version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['a short trace id', '00-4bf92f3577b34da6-00f067aa0ba902b7-01'],
    ['version 00 with extra fields', `${'00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'}-extra`],
    ['garbage', 'not-a-trace'],
  ])('should start a new trace for %s', (_, header) => {
    const trace = continueTrace(header);
    expect(trace.parentSpanId).toBeNull();
    expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(trace.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('should accept a future version with extra fields', () => {
    expect(continueTrace('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what').traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('acceptRequestId', () => {
  it('should keep a sane request id', () => {
    expect(acceptRequestId('client-42.abc')).toBe('client-42.abc');
  });

  it.each([['spaces inside'], ['<script>'], ['x'.repeat(129)], ['']])('should replace %j with a new id', (header) => {
    expect(acceptRequestId(header)).toMatch(/^req_[0-9a-f-]{36}$/);
  });
});
