// Record / replay of real OCR readings, for benchmarks and quick parser iterations.
// Keyed by sha256 of the image bytes and the engine name; files live under
// .tallyq/cache/textract/<sha256>.<engine>.json (TEXTRACT_CACHE_DIR overrides the folder).
//
// What is recorded is the OCR output (OcrPage), not the finished Textract response: a replayed
// answer still runs today's parser, so parser changes show up without re-running OCR.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OcrPage } from '../../functions/_shared/receipts/parser/ocr-types.ts';

export type TextractMode = 'ocr' | 'record' | 'replay';

export const DEFAULT_CACHE_DIR = fileURLToPath(
  new URL('../../../.tallyq/cache/textract/', import.meta.url),
);

export interface RecordedPage {
  version: 1;
  engine: string;
  sha256: string;
  recordedAt: string;
  page: OcrPage;
}

export class OcrCache {
  constructor(readonly dir: string = DEFAULT_CACHE_DIR) {}

  #file(sha: string, engine: string): string {
    return join(this.dir, `${sha}.${engine}.json`);
  }

  async get(sha: string, engine: string): Promise<RecordedPage | null> {
    try {
      const rec = JSON.parse(await readFile(this.#file(sha, engine), 'utf8')) as RecordedPage;
      return rec.version === 1 && rec.page ? rec : null;
    } catch {
      return null;
    }
  }

  async put(sha: string, engine: string, page: OcrPage): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const rec: RecordedPage = {
      version: 1,
      engine,
      sha256: sha,
      recordedAt: new Date().toISOString(),
      page,
    };
    // Write then rename, so concurrent CLI processes never read half a file.
    const tmp = `${this.#file(sha, engine)}.${crypto.randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(rec));
    await rename(tmp, this.#file(sha, engine));
  }
}
