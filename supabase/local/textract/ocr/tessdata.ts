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

/**
 * TALLYQ_TESSERACT_MODELS: the tesseract readings of a page, comma-separated, default `fast,best`.
 * The first is the one merged with Paddle's lines in the `combined` engine (and the only one of
 * the `tesseract` engine); each further one is one more reading of the page that votes on every
 * field (see parseReceiptPage), made where the first two readings disagree on the total or the
 * date. `fast` alone is the configuration before issue 13.
 */
export function defaultTesseractModels(): TesseractModel[] {
  return parseTesseractModels(Deno.env.get('TALLYQ_TESSERACT_MODELS') || 'fast,best');
}

/** "fast,best" → ['fast', 'best'], checked: known names, at least one, none twice. */
export function parseTesseractModels(v: string): TesseractModel[] {
  const list = v.split(',').map((m) => m.trim()).filter(Boolean);
  const bad = list.filter((m) => !(TESSERACT_MODELS as readonly string[]).includes(m));
  if (list.length === 0 || bad.length > 0 || new Set(list).size !== list.length) {
    throw new Error(
      `TALLYQ_TESSERACT_MODELS must list ${TESSERACT_MODELS.join(', ')} (comma-separated, each ` +
        `once); got ${v}`,
    );
  }
  return list as TesseractModel[];
}
