/**
 * A sample image drawn on a canvas (no image file ships with the page): shapes and a
 * gradient, enough for an image classifier to have something to look at.
 */
export async function drawSampleImage(size = 224): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("no 2D canvas in this browser");
  const sky = ctx.createLinearGradient(0, 0, 0, size);
  sky.addColorStop(0, "#8ec5ff");
  sky.addColorStop(1, "#e8f3ff");
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = "#3d8b3d";
  ctx.fillRect(0, size * 0.7, size, size * 0.3);
  ctx.fillStyle = "#f5b301";
  ctx.beginPath();
  ctx.arc(size * 0.78, size * 0.22, size * 0.1, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = "#b5542d";
  ctx.beginPath();
  ctx.ellipse(size * 0.42, size * 0.62, size * 0.2, size * 0.11, 0, 0, 2 * Math.PI);
  ctx.fill();
  ctx.beginPath();
  ctx.arc(size * 0.62, size * 0.5, size * 0.07, 0, 2 * Math.PI);
  ctx.fill();
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b === null ? reject(new Error("canvas could not encode a PNG")) : resolve(b)),
      "image/png",
    ),
  );
}
