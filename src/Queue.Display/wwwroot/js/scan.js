// Reads QR codes from the device's camera with jsQR (vendored; classic script giving the global `jsQR`).
// Browsers allow a camera only on a secure page (https, or localhost on the device itself).

/**
 * A scanner drawing the camera into `video`, reading a frame every 150 ms; `onText` gets the first QR code's text and
 * the camera stops. `onStop` runs whenever it stops (found, timed out, or stopped). Returns { start, stop, running }.
 */
export function createScanner({ video, onText, onStop = () => {}, timeoutMs = 60000, facingMode = "environment" }) {
  let stream = null;
  let timer = 0;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  function stop() {
    clearInterval(timer);
    timer = 0;
    const was = stream !== null;
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    if (was) onStop();
  }

  /** Starts the camera; false when there is none (or it was refused), so the page offers typing instead. */
  async function start() {
    if (stream) return true;
    if (!navigator.mediaDevices?.getUserMedia || typeof jsQR !== "function") return false;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode, width: { ideal: 640 } }, audio: false });
    } catch {
      stream = null;
      return false;
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    const until = Date.now() + timeoutMs;
    timer = setInterval(() => {
      if (Date.now() > until) { stop(); return; }
      if (!video.videoWidth) return;
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const found = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: "dontInvert" });
      if (!found?.data) return;
      stop();
      onText(found.data);
    }, 150);
    return true;
  }

  return { start, stop, running: () => stream !== null };
}
