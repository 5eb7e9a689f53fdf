// Wraps JPEG images into a PDF, one page per image (the JPEG stream embedded as is, DCTDecode:
// no pixel is decoded, so memory stays at the file's size). The worker uses it to send a JPEG
// over Textract's 10 MB image limit through the async API, whose PDF limit is 500 MB; tests use
// it to make "a scanned receipt as PDF" (Debian's ImageMagick policy forbids writing PDFs).

function jpegInfo(b: Uint8Array): { width: number; height: number; components: number } {
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error('Not a JPEG');
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = b[i + 1];
    const len = (b[i + 2] << 8) | b[i + 3];
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return {
        height: (b[i + 5] << 8) | b[i + 6],
        width: (b[i + 7] << 8) | b[i + 8],
        components: b[i + 9],
      };
    }
    i += 2 + len;
  }
  throw new Error('JPEG has no frame header');
}

/** Textract's largest PDF page: 40 inches a side. */
const MAX_PAGE_INCHES = 40;

/**
 * A PDF with each JPEG on its own page, sized as if scanned at `dpi` — or finer, so that no page
 * is wider or taller than Textract accepts.
 */
export function pdfFromJpegs(jpegs: Uint8Array[], dpi = 200): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const offsets: number[] = [];
  let size = 0;
  const push = (c: Uint8Array | string) => {
    const bytes = typeof c === 'string' ? enc.encode(c) : c;
    chunks.push(bytes);
    size += bytes.length;
  };
  const obj = (n: number, body: string) => {
    offsets[n] = size;
    push(`${n} 0 obj\n${body}\nendobj\n`);
  };
  push('%PDF-1.4\n%\xE2\xE3\xCF\xD3\n');
  const pageIds = jpegs.map((_, k) => 3 + k * 3);
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(
    2,
    `<< /Type /Pages /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] /Count ${jpegs.length} >>`,
  );
  jpegs.forEach((jpeg, k) => {
    const { width, height, components } = jpegInfo(jpeg);
    const space = components === 1
      ? '/DeviceGray'
      : components === 4
      ? '/DeviceCMYK'
      : '/DeviceRGB';
    const pageDpi = Math.max(dpi, Math.ceil(Math.max(width, height) / MAX_PAGE_INCHES));
    const [pw, ph] = [(width * 72) / pageDpi, (height * 72) / pageDpi].map((v) => v.toFixed(2));
    const [page, image, content] = [pageIds[k], pageIds[k] + 1, pageIds[k] + 2];
    obj(
      page,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pw} ${ph}] ` +
        `/Resources << /XObject << /Im0 ${image} 0 R >> >> /Contents ${content} 0 R >>`,
    );
    offsets[image] = size;
    push(
      `${image} 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} ` +
        `/ColorSpace ${space} /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
    );
    push(jpeg);
    push('\nendstream\nendobj\n');
    const draw = `q ${pw} 0 0 ${ph} 0 0 cm /Im0 Do Q`;
    obj(content, `<< /Length ${draw.length} >>\nstream\n${draw}\nendstream`);
  });
  const count = 3 + jpegs.length * 3;
  const xref = size;
  push(`xref\n0 ${count}\n0000000000 65535 f \n`);
  for (let n = 1; n < count; n++) push(`${String(offsets[n]).padStart(10, '0')} 00000 n \n`);
  push(`trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
