import decodeQR from '@paulmillr/qr/decode.js';

/** The picture opened, but holds no QR code the decoder can read. */
export class NoQrFoundError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NoQrFoundError';
  }
}

/** The file is not a picture the browser can open. */
export class ImageUnreadableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ImageUnreadableError';
  }
}

/**
 * A phone photo can be 4000 px wide; the decoder's time grows with the pixels, and a QR code
 * that fills a fair part of the picture still has modules of several pixels at this size.
 */
const maxSide = 1600;

/**
 * The text of the QR code in a picture (a photo or a screenshot of a license's QR code), read in
 * the browser: nothing is uploaded. Loaded only when a reader picks a picture, so the decoder
 * stays out of the first page load.
 */
export async function readQrFromImage(file: Blob): Promise<string> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (error) {
    throw new ImageUnreadableError((error as Error).message);
  }
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  // A transparent PNG's background reads as black; white is what a printed code stands on.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  try {
    return decodeQR(context.getImageData(0, 0, width, height));
  } catch (error) {
    throw new NoQrFoundError((error as Error).message);
  }
}
