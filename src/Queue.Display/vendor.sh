#!/usr/bin/env bash
# Copies the pages' front-end packages (exact versions in package.json / package-lock.json) into
# wwwroot/lib, so the pages work on an office network with no internet and the app needs no npm at run time.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
lib=wwwroot/lib
rm -rf "$lib" && mkdir -p "$lib/signalr" "$lib/qrcode" "$lib/jsqr" "$lib/noto-sans-jp/files"
cp node_modules/@microsoft/signalr/dist/browser/signalr.min.js "$lib/signalr/"
cp node_modules/@microsoft/signalr/LICENSE.txt "$lib/signalr/" 2>/dev/null || true
cp node_modules/qrcode-generator/dist/qrcode.mjs "$lib/qrcode/"
cp node_modules/qrcode-generator/LICENSE* "$lib/qrcode/" 2>/dev/null || true
# jsQR reads the QR code a visitor shows to the kiosk's camera (BarcodeDetector is missing from Chromium on Linux).
cp node_modules/jsqr/dist/jsQR.js "$lib/jsqr/"
cp node_modules/jsqr/LICENSE "$lib/jsqr/" 2>/dev/null || true
font=node_modules/@fontsource/noto-sans-jp
cp "$font/LICENSE" "$lib/noto-sans-jp/"
for weight in 400 700; do
  # woff2 only: every browser a lobby TV or phone runs today reads it.
  sed -E 's#, url\([^)]*\.woff\) format\(.woff.\)##' "$font/$weight.css" > "$lib/noto-sans-jp/$weight.css"
  cp "$font"/files/noto-sans-jp-*-$weight-normal.woff2 "$lib/noto-sans-jp/files/"
done
rm -rf node_modules
echo "vendored into $lib: $(du -sh "$lib" | cut -f1)"
