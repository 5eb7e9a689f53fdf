#!/usr/bin/env node
// PaddleOCR (PP-OCRv4 via @gutenye/ocr-node on onnxruntime-node) as a long-lived worker process.
// Spawned by engine.ts; loads the models once, then answers newline-delimited JSON on stdio:
//   request : {"id": 1, "image": "<base64 JPEG/PNG>", "maxWidth": 1200}
//   response: {"id": 1, "width": W, "height": H, "lines": [{"text", "mean", "box": [[x,y]x4]}]}
//             or {"id": 1, "error": "message"}
// Box coordinates are pixels of the ORIGINAL image (scaled back after any downscale).
// Env: PADDLE_THREADS (onnxruntime intra-op threads, default 1 — run several workers instead).

import { createInterface } from 'node:readline';
import Ocr from '@gutenye/ocr-node';
import sharp from 'sharp';

const threads = Number(process.env.PADDLE_THREADS ?? '1') || 1;
const ocr = await Ocr.create({
  onnxOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 },
});

function send(msg) {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

async function handle(req) {
  const input = Buffer.from(req.image, 'base64');
  const img = sharp(input, { failOn: 'none' }).rotate();
  const meta = await img.metadata();
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new Error('Unreadable image');
  const maxWidth = Number(req.maxWidth) || 1200;
  let scale = 1;
  let buf = await img.png().toBuffer();
  if (width > maxWidth) {
    scale = width / maxWidth;
    buf = await sharp(buf).resize({ width: maxWidth }).png().toBuffer();
  }
  const raw = await ocr.detect(buf);
  const lines = raw
    .filter((l) => l.box && typeof l.text === 'string')
    .map((l) => ({
      text: l.text,
      mean: l.mean,
      box: l.box.map(([x, y]) => [x * scale, y * scale]),
    }));
  return { width, height, lines };
}

send({ ready: true });
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
// One request at a time per worker: onnxruntime is single-threaded here by design.
let chain = Promise.resolve();
rl.on('line', (line) => {
  if (!line.trim()) return;
  chain = chain.then(async () => {
    let req;
    try {
      req = JSON.parse(line);
      send({ id: req.id, ...(await handle(req)) });
    } catch (e) {
      send({ id: req?.id ?? null, error: String(e?.message ?? e) });
    }
  });
});
rl.on('close', () => {
  chain.then(() => process.exit(0));
});
