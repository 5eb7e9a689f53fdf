import { describe, expect, it } from 'vitest';
import { ApiError, describeError, errorFromBody } from './errors.ts';

describe('app - error wording', () => {
  it('a known code reads as its sentence, never as the code', () => {
    const text = describeError(
      'insufficient_funds',
      'The source account has insufficient available funds',
    );
    expect(text).toBe('You do not have enough available money for this transfer.');
    expect(text).not.toContain('insufficient_funds');
  });

  it('an unknown code shows the API message as a sentence', () => {
    expect(describeError('brand_new_code', 'the flux capacitor is offline')).toBe(
      'The flux capacitor is offline.',
    );
  });

  it('an unknown code without a message still reads as words, not the code', () => {
    const text = describeError('brand_new_code', '');
    expect(text).toBe('Something went wrong. Try again.');
  });

  it('validation codes keep the message that names the field', () => {
    expect(describeError('invalid_body', 'amount_minor: Expected number, received string')).toBe(
      'Please check your input: Amount_minor: Expected number, received string.',
    );
  });

  it('GoTrue bodies ({code, error_code, msg}) map through error_code', () => {
    const e = errorFromBody(400, {
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    });
    expect(e.code).toBe('invalid_credentials');
    expect(e.message).toBe('That email and password do not match. Check them and try again.');
  });

  it('a body that is not JSON falls back on the status', () => {
    expect(errorFromBody(403, null).code).toBe('forbidden');
    expect(errorFromBody(404, 'x').code).toBe('not_found');
    expect(errorFromBody(502, undefined).message).toBe(
      'Something went wrong on our side. Try again; if it keeps happening, contact support.',
    );
  });

  it('ApiError keeps status, code and the API message for the caller', () => {
    const e = errorFromBody(409, {
      error: 'receipt_not_reviewable',
      message: 'Receipt is processing',
    });
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.apiMessage]).toEqual([
      409,
      'receipt_not_reviewable',
      'Receipt is processing',
    ]);
    expect(e.message).toBe(
      'This receipt cannot be corrected right now: it is still being read, or reading it failed.',
    );
  });
});
