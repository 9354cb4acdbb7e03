// The demo site's two static files, which double as public-path examples.
// The icon is a real ICO built in code (a BMP payload needs no compression),
// so the demo needs no binary files and no image tooling.

const ACCENT = { r: 0x4f, g: 0x46, b: 0xe5 };

export const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">' +
  '<rect width="32" height="32" rx="8" fill="#4f46e5"/>' +
  '<path d="M16 6l8 3v6c0 5-3.4 9.3-8 11-4.6-1.7-8-6-8-11V9z" fill="#fff"/>' +
  '<circle cx="16" cy="14" r="2.5" fill="#4f46e5"/><path d="M15 15.5h2l.6 5h-3.2z" fill="#4f46e5"/></svg>';

const SIZE = 16;

// A rounded accent square with a white dot, 32-bit BGRA, rows bottom-up.
function iconPixel(x: number, y: number): [b: number, g: number, r: number, a: number] {
  const cx = x + 0.5 - SIZE / 2;
  const cy = y + 0.5 - SIZE / 2;
  const corner = 3;
  const dx = Math.max(Math.abs(cx) - (SIZE / 2 - corner), 0);
  const dy = Math.max(Math.abs(cy) - (SIZE / 2 - corner), 0);
  if (dx * dx + dy * dy > corner * corner) return [0, 0, 0, 0];
  if (cx * cx + cy * cy <= 9) return [255, 255, 255, 255];
  return [ACCENT.b, ACCENT.g, ACCENT.r, 255];
}

function buildIcon(): Buffer {
  const pixelBytes = SIZE * SIZE * 4;
  const maskBytes = SIZE * 4; // 1 bit per pixel, rows padded to 32 bits; all zero: alpha decides
  const imageBytes = 40 + pixelBytes + maskBytes;
  const icon = Buffer.alloc(6 + 16 + imageBytes);
  // ICONDIR: reserved, type 1 (icon), one image.
  icon.writeUInt16LE(1, 2);
  icon.writeUInt16LE(1, 4);
  // ICONDIRENTRY: width, height, no palette, 1 plane, 32 bpp, size, offset.
  icon.writeUInt8(SIZE, 6);
  icon.writeUInt8(SIZE, 7);
  icon.writeUInt16LE(1, 10);
  icon.writeUInt16LE(32, 12);
  icon.writeUInt32LE(imageBytes, 14);
  icon.writeUInt32LE(22, 18);
  // BITMAPINFOHEADER: the height counts the colour rows and the mask rows.
  icon.writeUInt32LE(40, 22);
  icon.writeInt32LE(SIZE, 26);
  icon.writeInt32LE(SIZE * 2, 30);
  icon.writeUInt16LE(1, 34);
  icon.writeUInt16LE(32, 36);
  icon.writeUInt32LE(pixelBytes + maskBytes, 42);
  let offset = 62;
  for (let row = SIZE - 1; row >= 0; row--) {
    for (let x = 0; x < SIZE; x++) {
      for (const byte of iconPixel(x, row)) icon.writeUInt8(byte, offset++);
    }
  }
  return icon;
}

export const FAVICON_ICO: Buffer = buildIcon();
