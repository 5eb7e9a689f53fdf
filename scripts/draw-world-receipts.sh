#!/usr/bin/env bash
# Usage: bash scripts/draw-world-receipts.sh
# Draws the labelled set of invoices and non-Malaysian receipts (tests/fixtures/receipts-world):
# each src/<id>.txt becomes <id>.png, printed in a DejaVu font (Debian's fonts-dejavu-core, named
# explicitly: ImageMagick installed without recommends has no default font) and lightly degraded
# like a scan (a small tilt, blur and seeded noise, so the output is the same on every run).
# Invoices use a proportional font, receipts a monospaced one. The text is made up for this set;
# labels.jsonl holds the expected fields. The PNGs are committed so the OCR cache and the scores
# do not depend on this machine's ImageMagick; run this after editing a src file.
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/receipts-world"

for src in src/*.txt; do
  id=$(basename "$src" .txt)
  case "$id" in
    invoice-*) font=DejaVu-Sans; size=22 ;;
    *) font=DejaVu-Sans-Mono; size=24 ;;
  esac
  # Debian's ImageMagick policy refuses label:@file, and label: refuses long texts here, so the
  # text is annotated inline ('%' escaped) on a page sized to it.
  lines=$(wc -l <"$src")
  width=$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$src")
  convert -size "$(( width * size * 62 / 100 + 80 ))x$(( lines * size * 13 / 10 + 90 ))" xc:white \
    -fill black -font "$font" -pointsize "$size" -interline-spacing 4 \
    -annotate +40+$(( size + 40 )) "$(sed 's/%/%%/g' "$src")" \
    -seed 7 -attenuate 0.4 +noise Gaussian -background white -rotate 0.4 -blur 0x0.6 \
    -colorspace Gray -depth 8 -strip "$id.png"
  echo "drew $id.png"
done
