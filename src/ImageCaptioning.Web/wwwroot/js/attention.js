// Draws the image on a canvas and, for one word, blends that word's 7×7 attention map over it:
// the map is bilinearly upsampled to the canvas size, the image is darkened where the model did not
// look and tinted orange where it did (the usual Show-Attend-Tell picture).

const MAX_WIDTH = 560;
const MAX_HEIGHT = 420;
const TINT = [249, 115, 22];

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

/**
 * Draws the image with an attention map blended on top.
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLImageElement} image
 * @param {number[][]} grid attention weights [rows][columns] (7×7), summing to 1
 * @param {string} label recorded in canvas.dataset.overlay (what is shown)
 */
export function drawAttention(canvas, image, grid, label) {
  drawImage(canvas, image);
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const pixels = context.getImageData(0, 0, width, height);
  const heat = upsample(normalise(grid), width, height);
  const data = pixels.data;
  for (let i = 0, p = 0; p < heat.length; p++, i += 4) {
    const v = heat[p];
    const keep = 0.18 + 0.82 * v; // dark where unattended, never fully black
    const tint = 0.4 * v;
    data[i] = data[i] * keep * (1 - tint) + TINT[0] * tint;
    data[i + 1] = data[i + 1] * keep * (1 - tint) + TINT[1] * tint;
    data[i + 2] = data[i + 2] * keep * (1 - tint) + TINT[2] * tint;
  }
  context.putImageData(pixels, 0, 0);
  canvas.dataset.overlay = label;
}

/** Scales the map so its largest weight is 1 (the weights of one word sum to 1, so raw values are small). */
function normalise(grid) {
  let max = 0;
  for (const row of grid) for (const v of row) max = Math.max(max, v);
  return grid.map(row => row.map(v => (max > 0 ? v / max : 0)));
}

/**
 * Bilinear upsampling of a rows×cols grid to width×height, treating each weight as the value at its
 * cell's centre (so the map lines up with the image, which the encoder saw as one 224×224 square).
 * @returns {Float32Array} width·height values in [0, 1], row-major
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
