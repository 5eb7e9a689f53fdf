// Document intake for the local Textract endpoint: recognise the format from magic bytes (as
// Textract does — it ignores file names), and rasterise PDFs page by page with poppler's pdftoppm.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DocumentFormat = 'jpeg' | 'png' | 'tiff' | 'pdf';

/** Raised for inputs Textract would refuse; `code` is the AWS exception name. */
export class DocumentError extends Error {
  constructor(
    readonly code:
      | 'UnsupportedDocumentException'
      | 'BadDocumentException'
      | 'DocumentTooLargeException'
      | 'InvalidParameterException',
    message: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

export function detectFormat(b: Uint8Array): DocumentFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return 'png';
  }
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a))
  ) return 'tiff';
  // %PDF may follow a little garbage (up to 1 KB, as readers allow).
  const head = new TextDecoder('latin1').decode(b.subarray(0, 1024));
  if (head.includes('%PDF-')) return 'pdf';
  return null;
}

function run(
  cmd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Uint8Array) => (stdout += new TextDecoder().decode(d)));
    child.stderr.on('data', (d: Uint8Array) => (stderr += new TextDecoder().decode(d)));
    child.on('error', reject);
    child.on('close', (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Number of pages (pdfinfo); BadDocumentException when poppler cannot read the file. */
export async function pdfPageCount(pdf: Uint8Array): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'tallyq-pdf-'));
  try {
    const file = join(dir, 'in.pdf');
    await writeFile(file, pdf);
    const res = await run('pdfinfo', [file]);
    const m = /^Pages:\s+(\d+)/m.exec(res.stdout);
    if (res.code !== 0 || !m) {
      throw new DocumentError('BadDocumentException', 'Unable to read the PDF document');
    }
    return Number(m[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Renders every page to PNG (grey, `dpi`, default 200) in page order.
 * BadDocumentException when the PDF is corrupt or renders no page.
 */
export async function rasterisePdf(pdf: Uint8Array, dpi = 200): Promise<Uint8Array[]> {
  const dir = await mkdtemp(join(tmpdir(), 'tallyq-pdf-'));
  try {
    const file = join(dir, 'in.pdf');
    await writeFile(file, pdf);
    const res = await run('pdftoppm', ['-r', String(dpi), '-gray', '-png', file, join(dir, 'p')]);
    const pages = (await readdir(dir))
      .filter((f) => /^p-\d+\.png$/.test(f))
      .sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
    if (res.code !== 0 || pages.length === 0) {
      throw new DocumentError(
        'BadDocumentException',
        `Unable to read the PDF document${
          res.stderr ? `: ${res.stderr.trim().slice(0, 200)}` : ''
        }`,
      );
    }
    return await Promise.all(pages.map(async (p) => new Uint8Array(await readFile(join(dir, p)))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
