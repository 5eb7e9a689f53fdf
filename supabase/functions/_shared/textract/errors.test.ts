import assert from 'node:assert/strict';
import {
  fromNetworkError,
  isRetryable,
  normaliseErrorCode,
  parseErrorResponse,
  TextractError,
} from './errors.ts';

const body = (type: string, message = 'm') => JSON.stringify({ __type: type, message });

Deno.test('errors - throttling answered as HTTP 400 is retryable', () => {
  for (
    const t of [
      'ThrottlingException',
      'ProvisionedThroughputExceededException',
      'LimitExceededException',
    ]
  ) {
    const e = parseErrorResponse(400, new Headers(), body(t));
    assert.equal(e.code, t);
    assert.equal(e.status, 400);
    assert.equal(e.retryable, true, t);
    assert.equal(e.kind, 'retryable');
  }
});

Deno.test('errors - document and auth problems are permanent', () => {
  for (
    const t of [
      'InvalidParameterException',
      'UnsupportedDocumentException',
      'BadDocumentException',
      'DocumentTooLargeException',
      'AccessDeniedException',
      'InvalidSignatureException',
      'UnrecognizedClientException',
    ]
  ) {
    const e = parseErrorResponse(t.includes('Signature') ? 403 : 400, new Headers(), body(t));
    assert.equal(e.retryable, false, t);
    assert.equal(e.kind, 'permanent');
  }
});

Deno.test('errors - any 5xx is retryable, even with an unknown or missing type', () => {
  assert.equal(parseErrorResponse(500, new Headers(), body('InternalServerError')).retryable, true);
  const html = parseErrorResponse(502, new Headers(), '<html>Bad gateway</html>');
  assert.equal(html.code, 'InternalServerError');
  assert.equal(html.retryable, true);
  assert.equal(parseErrorResponse(503, new Headers(), body('SomethingNew')).retryable, true);
});

Deno.test('errors - an unknown 4xx is permanent', () => {
  const e = parseErrorResponse(404, new Headers(), 'nope');
  assert.equal(e.code, 'Http404');
  assert.equal(e.retryable, false);
});

Deno.test('errors - namespaced __type and the x-amzn-ErrorType header are understood', () => {
  assert.equal(
    normaliseErrorCode('com.amazonaws.textract#ThrottlingException'),
    'ThrottlingException',
  );
  assert.equal(normaliseErrorCode('ThrottlingException:http://internal'), 'ThrottlingException');
  const e = parseErrorResponse(
    400,
    new Headers({ 'x-amzn-ErrorType': 'ThrottlingException:http://x', 'x-amzn-RequestId': 'r-1' }),
    '',
  );
  assert.equal(e.code, 'ThrottlingException');
  assert.equal(e.requestId, 'r-1');
  assert.equal(e.retryable, true);
});

Deno.test('errors - the message comes from message or Message', () => {
  assert.equal(parseErrorResponse(400, new Headers(), body('X', 'lower')).message, 'lower');
  const upper = JSON.stringify({ __type: 'X', Message: 'upper' });
  assert.equal(parseErrorResponse(400, new Headers(), upper).message, 'upper');
});

Deno.test('errors - network failures and timeouts are retryable', () => {
  const t = fromNetworkError(new DOMException('timed out', 'TimeoutError'), 1000);
  assert.equal(t.code, 'TimeoutError');
  assert.equal(t.retryable, true);
  const n = fromNetworkError(new TypeError('error sending request'), 1000);
  assert.equal(n.code, 'NetworkError');
  assert.equal(n.retryable, true);
  const same = new TextractError('BadDocumentException', 'x', 400);
  assert.equal(fromNetworkError(same, 1), same);
});

Deno.test('errors - isRetryable falls back to the status for unknown codes', () => {
  assert.equal(isRetryable('Whatever', 429), true);
  assert.equal(isRetryable('Whatever', 400), false);
  assert.equal(isRetryable('Whatever', null), false);
});
