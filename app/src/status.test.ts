import { describe, expect, it } from 'vitest';
import { confidenceNote, isInFlight, LOW_CONFIDENCE, statusLabel } from './status.ts';

describe('app - statuses and confidence in words', () => {
  it('statuses read as words; only waiting and reading are in flight', () => {
    expect(['pending', 'processing', 'ocr_done', 'needs_review', 'failed'].map(statusLabel))
      .toEqual(['Waiting', 'Reading', 'Done', 'Needs review', 'Failed']);
    expect(['pending', 'processing', 'ocr_done', 'needs_review', 'failed'].map(isInFlight))
      .toEqual([true, true, false, false, false]);
  });

  it('a confidence under the threshold is low and says so in words', () => {
    expect(confidenceNote(0.2)).toEqual({ low: true, text: 'Low confidence, please check: 20%' });
    expect(confidenceNote(LOW_CONFIDENCE)).toEqual({ low: false, text: 'Confidence 70%' });
    expect(confidenceNote(1)).toEqual({ low: false, text: 'Confidence 100%' });
    expect(confidenceNote(undefined)).toEqual({ low: false, text: 'No confidence reported' });
  });
});
