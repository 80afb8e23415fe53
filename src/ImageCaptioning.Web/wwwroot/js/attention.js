// Draws the image on a canvas and, for one word, blends that word's attention map (the model's side×side grid,
// e.g. 7×7) over it: the map is bilinearly upsampled to the canvas size, the image is darkened where the model
// did not look and tinted orange where it did (the usual Show-Attend-Tell picture). The brightness is on an ABSOLUTE scale, the same
// for every word: a cell's weight α as a multiple of uniform (α × cells), so a flat map looks flat instead of
// being stretched to full contrast.

const MAX_WIDTH = 560;
const MAX_HEIGHT = 420;
const TINT = [249, 115, 22];

/** The top of the scale, in "× uniform": a cell with 6 times its fair share (or more) is drawn fully bright. */
export const SCALE_MAX = 6;

/** Sizes the canvas to the image's aspect ratio (at most MAX_WIDTH × MAX_HEIGHT) and draws it. */
export function drawImage(canvas, image) {
  const scale = Math.min(MAX_WIDTH / image.naturalWidth, MAX_HEIGHT / image.naturalHeight, 1);
  canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  delete canvas.dataset.overlay;
}

/** Clears the canvas to an empty placeholder. */
export function clearCanvas(canvas) {
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  delete canvas.dataset.overlay;
}

/** How bright a pixel of level v ∈ [0, 1] becomes: dark where unattended (never fully black), tinted where attended. */
function blend(rgb, v) {
  const keep = 0.18 + 0.82 * v;
  const tint = 0.4 * v;
  return rgb.map((c, k) => c * keep * (1 - tint) + TINT[k] * tint);
}

/** Level in [0, 1] of an attention weight on the absolute scale: α × cells / SCALE_MAX, clipped. */
function level(alpha, cells) {
  return Math.min(1, Math.max(0, (alpha * cells) / SCALE_MAX));
}

/**
 * Draws the image with an attention map blended on top.
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLImageElement} image
 * @param {number[][]} grid attention weights α [rows][columns] (the model's grid, e.g. 7×7), summing to 1, as the API returns them
 * @param {string} label recorded in canvas.dataset.overlay (what is shown)
 */
export function drawAttention(canvas, image, grid, label) {
  drawImage(canvas, image);
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const pixels = context.getImageData(0, 0, width, height);
  const cells = grid.length * grid[0].length;
  const heat = upsample(grid.map(row => row.map(alpha => level(alpha, cells))), width, height);
  const data = pixels.data;
  for (let i = 0, p = 0; p < heat.length; p++, i += 4) {
    const [r, g, b] = blend([data[i], data[i + 1], data[i + 2]], heat[p]);
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  }
  context.putImageData(pixels, 0, 0);
  canvas.dataset.overlay = label;
}

/** Draws the colour bar of the scale: the blend applied to a mid grey, from 0× (left) to SCALE_MAX× (right). */
export function drawScaleBar(canvas) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const pixels = context.createImageData(width, height);
  for (let x = 0; x < width; x++) {
    const [r, g, b] = blend([170, 170, 170], x / (width - 1));
    for (let y = 0; y < height; y++) {
      const i = (y * width + x) * 4;
      pixels.data[i] = r;
      pixels.data[i + 1] = g;
      pixels.data[i + 2] = b;
      pixels.data[i + 3] = 255;
    }
  }
  context.putImageData(pixels, 0, 0);
}

const ROW_NAMES = ["upper", "middle", "lower"];
const COLUMN_NAMES = ["left", "centre", "right"];

/**
 * Where a map looked, in words: the third of the image holding the strongest cell ("upper left") and how
 * strong it is on the absolute scale (its weight as a multiple of uniform).
 * @param {number[][]} grid attention weights [rows][columns], summing to 1
 * @returns {{ place: string, strength: string, peak: number, text: string }}
 */
export function describeAttention(grid) {
  const rows = grid.length;
  const cols = grid[0].length;
  let best = { alpha: -1, row: 0, col: 0 };
  grid.forEach((values, row) => values.forEach((alpha, col) => {
    if (alpha > best.alpha) best = { alpha, row, col };
  }));
  const peak = best.alpha * rows * cols;
  const band = Math.min(2, Math.floor(((best.row + 0.5) / rows) * 3));
  const side = Math.min(2, Math.floor(((best.col + 0.5) / cols) * 3));
  let place = band === 1 && side === 1 ? "centre" : `${ROW_NAMES[band]} ${COLUMN_NAMES[side]}`;
  let strength;
  if (peak < 1.5) {
    strength = "flat";
    place = "the whole image, evenly";
  } else if (peak < 2.5) strength = "weak";
  else if (peak < 4) strength = "moderate";
  else strength = "strong";
  return { place, strength, peak, text: `${place}, ${strength} (peak ${peak.toFixed(1)}× uniform)` };
}

/**
 * Bilinear upsampling of a rows×cols grid to width×height, treating each weight as the value at its
 * cell's centre (so the map lines up with the image, which the encoder saw as one 224×224 square).
 * @returns {Float32Array} width·height values, row-major
 */
export function upsample(grid, width, height) {
  const rows = grid.length;
  const cols = grid[0].length;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = Math.min(Math.max(((y + 0.5) / height) * rows - 0.5, 0), rows - 1);
    const y0 = Math.floor(gy);
    const y1 = Math.min(y0 + 1, rows - 1);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = Math.min(Math.max(((x + 0.5) / width) * cols - 0.5, 0), cols - 1);
      const x0 = Math.floor(gx);
      const x1 = Math.min(x0 + 1, cols - 1);
      const fx = gx - x0;
      const top = grid[y0][x0] * (1 - fx) + grid[y0][x1] * fx;
      const bottom = grid[y1][x0] * (1 - fx) + grid[y1][x1] * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
