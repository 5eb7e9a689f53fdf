// Local OCR engines behind one call: tesseract 5 (child process, TSV) and PaddleOCR PP-OCRv4
// (long-lived Node sidecars, see paddle-sidecar.mjs), or both combined. Local only, never deployed;
// used by the local Textract-compatible endpoint, the CLI and scripts/eval-receipts.ts.
//
// Env: TESSERACT_BIN (default `tesseract`), NODE_BIN (default `node`), PADDLE_WORKERS (sidecar
// processes, default 2), TALLYQ_OCR_ENGINE (default engine when opts.engine is absent, default
// `combined`), TALLYQ_TESSERACT_MODELS (tesseract's readings, default `fast,best`, see tessdata.ts).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { Buffer } from 'node:buffer';
import {
  bboxFromPixels,
  type OcrEngineName,
  type OcrLine,
  type OcrPage,
  type OcrWord,
  unionBBox,
} from '../../../functions/_shared/receipts/parser/ocr-types.ts';
import { combinePages } from './combine.ts';
import { readingsDisagree } from '../../../functions/_shared/receipts/parser/agreement.ts';
import { splitWords } from './split-words.ts';
import { defaultTesseractModels, tessdataDirFor, type TesseractModel } from './tessdata.ts';

export type { OcrEngineName, OcrLine, OcrPage, OcrWord };

export interface RecognizeOptions {
  engine?: OcrEngineName;
  /** tesseract page-segmentation mode (default 6: a single uniform block of text). */
  psm?: number;
  /** Downscale images wider than this before OCR (pixels; default 1200 paddle, none tesseract). */
  maxWidth?: number;
  /** tesseract language models (default "eng"), e.g. "eng+msa" or "script/Latin". */
  lang?: string;
  /** tesseract model directory (default: the one `tesseractModel` names). */
  tessdataDir?: string;
  /**
   * tesseract's readings (default TALLYQ_TESSERACT_MODELS, see tessdata.ts): the first is merged
   * with Paddle's, each further one votes as another reading.
   */
  tesseractModels?: TesseractModel[];
}

const ENGINES: readonly OcrEngineName[] = ['tesseract', 'paddle', 'combined'];

function defaultEngine(): OcrEngineName {
  const v = Deno.env.get('TALLYQ_OCR_ENGINE');
  if (v === undefined || v === '') return 'combined';
  if (!(ENGINES as readonly string[]).includes(v)) {
    throw new Error(`TALLYQ_OCR_ENGINE must be one of ${ENGINES.join(', ')}; got ${v}`);
  }
  return v as OcrEngineName;
}

/** Runs OCR on one image (JPEG/PNG/TIFF bytes) and returns lines with words, boxes, confidences. */
export async function recognize(image: Uint8Array, opts: RecognizeOptions = {}): Promise<OcrPage> {
  const engine = opts.engine ?? defaultEngine();
  const [first, ...more] = opts.tesseractModels ?? defaultTesseractModels();
  const tesseract = (model: TesseractModel) =>
    recognizeTesseract(image, {
      ...opts,
      tessdataDir: opts.tessdataDir ?? tessdataDirFor(model),
    });
  if (engine === 'tesseract') return await tesseract(first);
  if (engine === 'paddle') return await recognizePaddle(image, opts);
  const [t, p] = await Promise.all([tesseract(first), recognizePaddle(image, opts)]);
  const page = combinePages(p, t);
  // Further readings only where the first two disagree on the total or the date: elsewhere they
  // would confirm what both read (see parser/agreement.ts; the CPU budget of issue 13).
  if (more.length === 0 || !readingsDisagree(page)) return page;
  return withReadings(page, await Promise.all(more.map(tesseract)));
}

/** The combined page with further readings of it, which vote on each field like the others. */
export function withReadings(page: OcrPage, extra: OcrPage[]): OcrPage {
  if (extra.length === 0) return page;
  return { ...page, alternatives: [...(page.alternatives ?? []), ...extra] };
}

// ---------------------------------------------------------------- helpers

function runProcess(
  cmd: string,
  args: string[],
  input: Uint8Array,
  env: Record<string, string> = {},
): Promise<{ stdout: Uint8Array; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...Deno.env.toObject(), ...env } });
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    child.stdout.on('data', (d: Uint8Array) => out.push(d));
    child.stderr.on('data', (d: Uint8Array) => err.push(d));
    child.on('error', reject);
    child.on('close', (code: number | null) => {
      resolve({
        stdout: concat(out),
        stderr: new TextDecoder().decode(concat(err)),
        code: code ?? -1,
      });
    });
    child.stdin.on('error', () => {/* reported through close/exit code */});
    child.stdin.end(input);
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const n = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Reads width/height from PNG or JPEG headers without decoding. */
export function imageSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length > 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return { width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  if (b.length > 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) {
        i++;
        continue;
      }
      const marker = b[i + 1];
      const len = (b[i + 2] << 8) | b[i + 3];
      if (
        marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
      ) {
        return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
      }
      i += 2 + len;
    }
  }
  return null;
}

// ---------------------------------------------------------------- tesseract

/** Downscales (ImageMagick) when wider than maxWidth; returns the bytes to OCR and the scale. */
async function downscale(
  image: Uint8Array,
  maxWidth: number,
): Promise<{ bytes: Uint8Array; scale: number }> {
  const size = imageSize(image);
  if (!size || size.width <= maxWidth) return { bytes: image, scale: 1 };
  const res = await runProcess('convert', [
    '-',
    '-resize',
    `${maxWidth}x`,
    '-colorspace',
    'Gray',
    'png:-',
  ], image);
  if (res.code !== 0 || res.stdout.length === 0) return { bytes: image, scale: 1 };
  return { bytes: res.stdout, scale: size.width / maxWidth };
}

export async function recognizeTesseract(
  image: Uint8Array,
  opts: RecognizeOptions = {},
): Promise<OcrPage> {
  const size = imageSize(image);
  // No downscale by default: measured on the sample, ImageMagick's decode+resize costs about what
  // it saves in tesseract and changes no field (see the issue note).
  const { bytes, scale } = await downscale(image, opts.maxWidth ?? Infinity);
  const bin = Deno.env.get('TESSERACT_BIN') || 'tesseract';
  const tessdataDir = opts.tessdataDir ??
    tessdataDirFor((opts.tesseractModels ?? defaultTesseractModels())[0]);
  const res = await runProcess(
    bin,
    [
      'stdin',
      'stdout',
      ...(tessdataDir ? ['--tessdata-dir', tessdataDir] : []),
      '--psm',
      String(opts.psm ?? 6),
      '-l',
      opts.lang ?? 'eng',
      'tsv',
    ],
    bytes,
    { OMP_THREAD_LIMIT: '1' },
  );
  if (res.code !== 0) {
    throw new Error(`tesseract failed (exit ${res.code}): ${res.stderr.trim().slice(0, 300)}`);
  }
  return parseTesseractTsv(new TextDecoder().decode(res.stdout), scale, size);
}

/** Turns tesseract TSV (levels 1..5) into an OcrPage; `scale` maps OCR pixels to source pixels. */
export function parseTesseractTsv(
  tsv: string,
  scale = 1,
  size: { width: number; height: number } | null = null,
): OcrPage {
  const rows = tsv.split('\n').slice(1).map((r) => r.split('\t')).filter((r) => r.length >= 12);
  let pw = size?.width ?? 0;
  let ph = size?.height ?? 0;
  const page = rows.find((r) => r[0] === '1');
  if (page && (!pw || !ph)) {
    pw = Number(page[8]) * scale;
    ph = Number(page[9]) * scale;
  }
  if (!pw || !ph) return { width: 0, height: 0, lines: [], engine: 'tesseract' };
  const groups = new Map<string, OcrWord[]>();
  for (const r of rows) {
    if (r[0] !== '5') continue;
    const text = r.slice(11).join('\t').trim();
    const conf = Number(r[10]);
    if (!text || conf < 0) continue;
    const key = `${r[2]}.${r[3]}.${r[4]}`;
    const [l, t, w, h] = [r[6], r[7], r[8], r[9]].map((v) => Number(v) * scale);
    const word: OcrWord = {
      text,
      confidence: Math.max(0, Math.min(100, conf)),
      bbox: bboxFromPixels(l, t, w, h, pw, ph),
    };
    const g = groups.get(key);
    if (g) g.push(word);
    else groups.set(key, [word]);
  }
  const lines: OcrLine[] = [];
  for (const words of groups.values()) {
    lines.push({
      text: words.map((w) => w.text).join(' '),
      confidence: words.reduce((a, w) => a + w.confidence, 0) / words.length,
      bbox: unionBBox(words.map((w) => w.bbox)),
      words,
    });
  }
  lines.sort((a, b) => a.bbox.top - b.bbox.top || a.bbox.left - b.bbox.left);
  return { width: pw, height: ph, lines, engine: 'tesseract' };
}

// ---------------------------------------------------------------- paddle (sidecar pool)

interface PaddleRawLine {
  text: string;
  mean: number;
  box: [number, number][];
}
interface PaddleReply {
  id?: number;
  ready?: boolean;
  error?: string;
  width?: number;
  height?: number;
  lines?: PaddleRawLine[];
}

class PaddleWorker {
  #child: ChildProcess;
  #pending = new Map<number, { resolve: (r: PaddleReply) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  busy = 0;
  dead = false;
  ready: Promise<void>;

  constructor() {
    const script = fileURLToPath(new URL('./paddle-sidecar.mjs', import.meta.url));
    this.#child = spawn(Deno.env.get('NODE_BIN') || 'node', [script], {
      env: { ...Deno.env.toObject(), PADDLE_THREADS: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    const stdout = this.#child.stdout;
    if (!stdout) throw new Error('paddle sidecar has no stdout');
    const rl = createInterface({ input: stdout });
    rl.on('line', (line: string) => {
      let msg: PaddleReply;
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (msg.ready) return markReady();
      if (msg.id === undefined) return;
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`paddle: ${msg.error}`));
      else p.resolve(msg);
    });
    const die = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      const err = new Error(`paddle sidecar exited: ${why}`);
      failReady(err);
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#child.on('exit', (code: number | null) => die(`code ${code}`));
    this.#child.on('error', (e: Error) => die(e.message));
  }

  async run(image: Uint8Array, maxWidth: number): Promise<PaddleReply> {
    await this.ready;
    const id = this.#nextId++;
    this.busy++;
    try {
      return await new Promise<PaddleReply>((resolve, reject) => {
        this.#pending.set(id, { resolve, reject });
        const b64 = Buffer.from(image).toString('base64');
        this.#child.stdin?.write(JSON.stringify({ id, image: b64, maxWidth }) + '\n');
      });
    } finally {
      this.busy--;
    }
  }

  close(): void {
    this.dead = true;
    this.#child.stdin?.end();
    this.#child.kill();
  }
}

const pool: PaddleWorker[] = [];

function pickWorker(): PaddleWorker {
  for (let i = pool.length - 1; i >= 0; i--) if (pool[i].dead) pool.splice(i, 1);
  const max = Math.max(1, Number(Deno.env.get('PADDLE_WORKERS') ?? '2') || 2);
  const idle = pool.find((w) => w.busy === 0);
  if (idle) return idle;
  if (pool.length < max) {
    const w = new PaddleWorker();
    pool.push(w);
    return w;
  }
  return pool.reduce((a, b) => (b.busy < a.busy ? b : a));
}

/** Stops the Paddle sidecars (call at the end of a script so the process can exit). */
export function closeEngines(): void {
  for (const w of pool.splice(0)) w.close();
}

export async function recognizePaddle(
  image: Uint8Array,
  opts: RecognizeOptions = {},
): Promise<OcrPage> {
  const reply = await pickWorker().run(image, opts.maxWidth ?? 1200);
  const pw = reply.width ?? 0;
  const ph = reply.height ?? 0;
  const lines: OcrLine[] = [];
  for (const raw of reply.lines ?? []) {
    const xs = raw.box.map((p) => p[0]);
    const ys = raw.box.map((p) => p[1]);
    const left = Math.min(...xs);
    const top = Math.min(...ys);
    const bbox = bboxFromPixels(left, top, Math.max(...xs) - left, Math.max(...ys) - top, pw, ph);
    const text = raw.text.trim();
    if (!text) continue;
    const confidence = Math.max(0, Math.min(100, raw.mean * 100));
    lines.push({ text, confidence, bbox, words: splitWords(text, bbox, confidence) });
  }
  lines.sort((a, b) => a.bbox.top - b.bbox.top || a.bbox.left - b.bbox.left);
  return { width: pw, height: ph, lines, engine: 'paddle' };
}
