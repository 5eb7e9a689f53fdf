import assert from 'node:assert/strict';
import { labelKey } from './label-key.ts';

Deno.test('labelKey - one-letter OCR slips in total-section words are spelled right', () => {
  assert.equal(labelKey('POTAL ROUNDED RM 8.10'), 'TOTALROUNDEDRM8.10');
  assert.equal(labelKey('T0TAL 12.00'), 'TOTAL12.00');
  assert.equal(labelKey('RONDING 0.00'), 'ROUNDING0.00'); // a dropped letter in a long word
  assert.equal(labelKey('FOUNDING ADJUSTMENT ~RM 0.01'), 'ROUNDINGADJUSTMENT~RM0.01');
  assert.equal(labelKey('lotal Qty 1.00'), 'TOTALQTY1.00');
  assert.equal(labelKey('TOTAL OTY 3'), 'TOTALQTY3');
  assert.equal(labelKey('GST Summ&ry'), 'GSTSUMMARY');
});

Deno.test('labelKey - negative words are read as fuzzily as positive ones', () => {
  // "Totai" alone would become TOTAL; "Sayings" must become SAVINGS with it.
  assert.equal(labelKey('* Your Totai Sayings 8.00 *'), '*YOURTOTALSAVINGS8.00*');
  assert.equal(labelKey('CHANGF 2.00'), 'CHANGE2.00');
});

Deno.test('labelKey - garbled INCL/EXCL and GST', () => {
  assert.equal(labelKey('AMTPAIL InCI.GST:RM76.30'), 'AMTPAILINCL.GST:RM76.30');
  assert.equal(labelKey('Amt Pald excl. G5T RM 73.87'), 'AMTPALDEXCL.GSTRM73.87');
  assert.equal(labelKey('AmtPaldex0l.G5T RM 73.87'), 'AMTPALDEXCL.GSTRM73.87');
  assert.equal(labelKey('Total Amt Ind GST 6%'), 'TOTALAMTINCLGST6%');
  assert.equal(labelKey('Total (Excluding GSI): 21,30'), 'TOTAL(EXCLUDINGGST):21,30');
});

Deno.test('labelKey - real words one letter from a label word stay as printed', () => {
  assert.equal(labelKey('SERV. CHARGE 8.25'), 'SERV.CHARGE8.25'); // not CHANGE
  assert.equal(labelKey('TOTAL LOADING CHARGES 0.00'), 'TOTALLOADINGCHARGES0.00');
  assert.equal(labelKey('CHANGI AIRPORT T3'), 'CHANGIAIRPORTT3');
  assert.equal(labelKey('TAMAN MOUNT AUSTIN'), 'TAMANMOUNTAUSTIN'); // not AMOUNT
  assert.equal(labelKey('PAVING STONE 12.00'), 'PAVINGSTONE12.00'); // not SAVING
  assert.equal(labelKey('SHAVING FOAM 9.90'), 'SHAVINGFOAM9.90');
  assert.equal(labelKey('KING SIZE 12.00'), 'KINGSIZE12.00'); // no GST in "GSI" here
  assert.equal(labelKey('INCLUDING 2 FREE'), 'INCLUDING2FREE');
});
