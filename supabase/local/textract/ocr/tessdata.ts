// Tesseract's recognition models. `fast` is the system's eng.traineddata (Debian's
// tesseract-ocr-eng, the tessdata_fast LSTM); `best` is tessdata_best's eng model in integer form
// as the npm package @tesseract.js-data/eng ships it (4.0.0_best_int, gzipped inside the package:
// nothing is downloaded at run time). The best model is unpacked once into a tessdata directory of
// its own (with the `tsv` output config tesseract looks up beside it). Local only, never deployed.

import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TESSERACT_MODELS = ['fast', 'best'] as const;
export type TesseractModel = typeof TESSERACT_MODELS[number];

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The gzipped best_int model inside the npm package. */
export function bestModelSource(root = repoRoot): string {
  return join(root, 'node_modules/@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz');
}

/**
 * The tessdata directory for a model: undefined (the system's) for `fast`; for `best`, a directory
 * under `dir` (default TALLYQ_TESSDATA_DIR or .tallyq/tessdata) holding the unpacked model, made on
 * first use. Throws, naming the package, when the model is not installed.
 */
export function tessdataDirFor(
  model: TesseractModel,
  dir = Deno.env.get('TALLYQ_TESSDATA_DIR') || join(repoRoot, '.tallyq/tessdata'),
  source = bestModelSource(),
): string | undefined {
  if (model === 'fast') return undefined;
  const out = join(dir, 'eng-best-int');
  const target = join(out, 'eng.traineddata');
  try {
    if (statSync(target).size > 0) return out;
  } catch {
    // not unpacked yet
  }
  let gz: Uint8Array;
  try {
    gz = readFileSync(source);
  } catch {
    throw new Error(
      `tesseract model "best" needs the npm package @tesseract.js-data/eng (${source} missing): ` +
        'run scripts/ensure-deps.sh',
    );
  }
  mkdirSync(join(out, 'configs'), { recursive: true });
  writeFileSync(join(out, 'configs/tsv'), 'tessedit_create_tsv 1\n');
  // Written aside and renamed, so a concurrent first use never reads half a model.
  const tmp = `${target}.${Deno.pid}.tmp`;
  writeFileSync(tmp, gunzipSync(gz));
  renameSync(tmp, target);
  return out;
}

/** TALLYQ_TESSERACT_MODEL (fast or best; default fast), checked. */
export function defaultTesseractModel(): TesseractModel {
  const v = Deno.env.get('TALLYQ_TESSERACT_MODEL');
  if (v === undefined || v === '') return 'fast';
  if (!(TESSERACT_MODELS as readonly string[]).includes(v)) {
    throw new Error(
      `TALLYQ_TESSERACT_MODEL must be one of ${TESSERACT_MODELS.join(', ')}; got ${v}`,
    );
  }
  return v as TesseractModel;
}
