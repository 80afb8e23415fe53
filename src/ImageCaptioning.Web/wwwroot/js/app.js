// The demo page: Gradio's Upload → Submit → Output flow. All server text goes into the page through
// textContent (never parsed as HTML), so a caption can only ever be text.
import * as api from "./api.js";
import { drawAttention, drawImage, clearCanvas } from "./attention.js";
import { copyText, download, safeStem } from "./downloads.js";

const $ = id => document.getElementById(id);
const el = {
  status: $("model-status"), banner: $("model-banner"), modelInfo: $("model-info"),
  dropZone: $("drop-zone"), fileInput: $("file-input"), dropHint: $("drop-hint"), preview: $("preview"),
  removeImage: $("remove-image"), fileName: $("file-name"), maxSize: $("max-size"),
  beamWidth: $("beam-width"), beamWidthValue: $("beam-width-value"), maxLength: $("max-length"), maxLengthValue: $("max-length-value"),
  submit: $("submit"), clear: $("clear"), examples: $("examples"), examplesCredit: $("examples-credit"),
  output: $("output"), progress: $("progress"), progressText: $("progress-text"),
  error: $("error"), errorTitle: $("error-title"), errorDetail: $("error-detail"),
  caption: $("caption"), copyCaption: $("copy-caption"), downloadTxt: $("download-txt"), downloadJson: $("download-json"), copyFeedback: $("copy-feedback"),
  canvas: $("attention-canvas"), attentionEmpty: $("attention-empty"), words: $("words"),
  alternatives: document.querySelector("#alternatives tbody"), timings: $("timings"), classes: $("classes"),
  flag: $("flag"), flagReason: $("flag-reason"), flagFeedback: $("flag-feedback"),
  curl: $("curl"), copyCurl: $("copy-curl"), copyCurlFeedback: $("copy-curl-feedback"),
};

const DEFAULTS = { beamWidth: el.beamWidth.value, maxLength: el.maxLength.value };

const state = {
  file: null,          // the File or Blob to caption
  fileName: "",
  image: null,         // the decoded HTMLImageElement of `file` (for the attention view)
  previewUrl: null,
  result: null,        // the last /api/caption answer
  resultImage: null,   // the image that answer belongs to
  pinned: -1,          // index of the word clicked, or -1
  request: null,       // AbortController of the running request
  timer: 0,
};

// ---------- Input ----------

function setFile(file, name) {
  if (!file) return;
  resetOutput();
  if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
  state.file = file;
  state.fileName = name || file.name || "image";
  state.previewUrl = URL.createObjectURL(file);
  state.image = null;
  const image = new Image();
  image.onload = () => { if (state.file === file) state.image = image; };
  image.src = state.previewUrl;
  el.preview.src = state.previewUrl;
  el.preview.hidden = false;
  el.preview.onerror = () => { el.fileName.textContent = `${state.fileName} — the browser cannot preview it; Submit will still ask the server.`; };
  el.dropHint.hidden = true;
  el.removeImage.hidden = false;
  el.dropZone.classList.add("has-image");
  el.fileName.textContent = `${state.fileName} · ${formatBytes(file.size)}`;
  updateCurl();
}

function clearInput() {
  if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
  Object.assign(state, { file: null, fileName: "", image: null, previewUrl: null });
  el.fileInput.value = "";
  el.preview.removeAttribute("src");
  el.preview.hidden = true;
  el.dropHint.hidden = false;
  el.removeImage.hidden = true;
  el.dropZone.classList.remove("has-image");
  el.fileName.textContent = "";
}

el.dropZone.addEventListener("click", event => {
  if (event.target === el.removeImage || state.file) return;
  el.fileInput.click();
});
el.dropZone.addEventListener("keydown", event => {
  if (event.key === "Enter" || event.key === " ") { event.preventDefault(); el.fileInput.click(); }
});
el.fileInput.addEventListener("change", () => setFile(el.fileInput.files[0]));
el.removeImage.addEventListener("click", event => { event.stopPropagation(); clearInput(); resetOutput(); updateCurl(); });

for (const type of ["dragenter", "dragover"]) {
  el.dropZone.addEventListener(type, event => { event.preventDefault(); el.dropZone.classList.add("dragging"); });
}
for (const type of ["dragleave", "drop"]) {
  el.dropZone.addEventListener(type, () => el.dropZone.classList.remove("dragging"));
}
el.dropZone.addEventListener("drop", event => {
  event.preventDefault();
  const file = [...(event.dataTransfer?.files || [])][0];
  if (file) setFile(file);
});
// Stop a file dropped next to the zone from replacing the page.
window.addEventListener("dragover", event => event.preventDefault());
window.addEventListener("drop", event => event.preventDefault());

document.addEventListener("paste", event => {
  if (event.target instanceof HTMLInputElement && event.target.type === "text") return;
  const item = [...(event.clipboardData?.items || [])].find(i => i.kind === "file" && i.type.startsWith("image/"));
  if (!item) return;
  event.preventDefault();
  const file = item.getAsFile();
  const extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
  setFile(file, file.name && file.name !== "image.png" ? file.name : `pasted.${extension}`);
});

for (const [input, output] of [[el.beamWidth, el.beamWidthValue], [el.maxLength, el.maxLengthValue]]) {
  input.addEventListener("input", () => { output.textContent = input.value; updateCurl(); });
}

function options() {
  const beamWidth = Number(el.beamWidth.value);
  return { beamWidth, maxLength: Number(el.maxLength.value), nBest: beamWidth };
}

// ---------- Examples ----------

async function loadExamples() {
  let examples = [];
  try {
    examples = await api.requestJson("api/examples");
  } catch {
    el.examplesCredit.textContent = "The examples could not be loaded.";
    return;
  }
  el.examples.replaceChildren(...examples.map(example => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.dataset.id = example.id;
    button.title = example.credit ? `${example.title} — ${example.credit}` : example.title;
    const image = document.createElement("img");
    image.src = `api/examples/${encodeURIComponent(example.id)}`;
    image.alt = example.title;
    image.loading = "lazy";
    const label = document.createElement("span");
    label.textContent = example.title;
    button.append(image, label);
    button.addEventListener("click", () => useExample(example));
    return button;
  }));
  const credits = examples.filter(e => e.credit).map(e => `${e.title}: ${e.credit}`);
  el.examplesCredit.textContent = credits.length ? `Photos — ${credits.join(" · ")}.` : "";
}

async function useExample(example) {
  try {
    const response = await fetch(`api/examples/${encodeURIComponent(example.id)}`);
    if (!response.ok) throw new Error(String(response.status));
    const blob = await response.blob();
    const extension = (blob.type.split("/")[1] || "jpg").replace("jpeg", "jpg");
    setFile(new File([blob], `${example.id}.${extension}`, { type: blob.type }));
  } catch {
    showError(new api.ApiProblem("The example could not be loaded", "Try another example or upload your own image."));
  }
}

// ---------- Submit and output ----------

async function submit() {
  if (!state.file) {
    resetOutput();
    showError(new api.ApiProblem("No image yet", "Choose, drop or paste an image first, or click one of the examples."));
    return;
  }
  state.request?.abort();
  const controller = new AbortController();
  state.request = controller;
  const file = state.file;
  const started = performance.now();
  resetOutput();
  setBusy(true, started);
  try {
    const result = await api.caption(file instanceof File ? file : new File([file], state.fileName), options(), controller.signal);
    if (state.request !== controller) return; // cleared or superseded meanwhile
    const roundTrip = performance.now() - started;
    await imageReady(file);
    showResult(result, roundTrip);
  } catch (error) {
    if (error.name === "AbortError" || state.request !== controller) return;
    showError(error instanceof api.ApiProblem ? error : new api.ApiProblem("Something went wrong", String(error.message || error)));
  } finally {
    if (state.request === controller) {
      state.request = null;
      setBusy(false);
    }
  }
}

/** Waits until the preview image of `file` has decoded (it usually has by the time a caption returns). */
function imageReady(file) {
  return new Promise(resolve => {
    const check = (tries) => {
      if (state.file !== file || state.image || tries <= 0) return resolve();
      setTimeout(() => check(tries - 1), 50);
    };
    check(40);
  });
}

function setBusy(busy, started = 0) {
  el.submit.disabled = busy;
  el.submit.textContent = busy ? "Running…" : "Submit";
  el.progress.hidden = !busy;
  el.output.dataset.state = busy ? "running" : el.output.dataset.state;
  clearInterval(state.timer);
  if (busy) {
    const tick = () => { el.progressText.textContent = `Captioning… ${((performance.now() - started) / 1000).toFixed(1)} s`; };
    tick();
    state.timer = setInterval(tick, 100);
  }
}

function showResult(result, roundTripMs) {
  state.result = result;
  state.resultImage = state.image;
  el.output.dataset.state = "done";
  el.caption.textContent = result.caption || "(the model produced an empty caption)";
  el.caption.classList.remove("placeholder");
  for (const button of [el.copyCaption, el.downloadTxt, el.downloadJson, el.flag]) button.disabled = false;

  // Alternatives
  el.alternatives.replaceChildren(...result.alternatives.map((alternative, index) => {
    const row = document.createElement("tr");
    const rank = document.createElement("td");
    rank.textContent = String(index + 1);
    const text = document.createElement("td");
    text.textContent = alternative.text + (alternative.finished ? "" : " …");
    const score = document.createElement("td");
    score.className = "num";
    score.textContent = alternative.score.toFixed(3);
    score.title = `log-probability ${alternative.logProbability.toFixed(3)}`;
    row.append(rank, text, score);
    return row;
  }));

  // Timings and what the encoder saw
  const t = result.timings;
  el.timings.replaceChildren(...[
    ["Encoder", t.encoderMs], ["Decoder", t.decoderMs], ["Server", t.serverMs], ["Round trip", roundTripMs],
  ].map(([name, ms]) => {
    const item = document.createElement("div");
    const term = document.createElement("dt");
    term.textContent = name;
    const value = document.createElement("dd");
    value.textContent = `${ms.toFixed(ms < 100 ? 1 : 0)} ms`;
    item.append(term, value);
    return item;
  }));
  el.classes.textContent = result.classes?.length
    ? `The encoder also sees (ImageNet): ${result.classes.slice(0, 3).map(c => `${c.label} ${(c.probability * 100).toFixed(0)}%`).join(", ")}.`
    : "";

  // Attention view
  el.words.replaceChildren(...result.words.map((word, index) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "word-chip";
    chip.textContent = word.text;
    chip.dataset.index = String(index);
    chip.addEventListener("mouseenter", () => showWord(index));
    chip.addEventListener("focus", () => showWord(index));
    chip.addEventListener("mouseleave", () => showWord(state.pinned));
    chip.addEventListener("blur", () => showWord(state.pinned));
    chip.addEventListener("click", () => { state.pinned = state.pinned === index ? -1 : index; showWord(state.pinned); });
    return chip;
  }));
  showWord(-1);
}

/** Shows word `index`'s attention over the image, or the plain image for -1. */
function showWord(index) {
  const result = state.result;
  if (!result || !state.resultImage) return;
  el.attentionEmpty.hidden = true;
  el.canvas.hidden = false;
  for (const chip of el.words.children) {
    const i = Number(chip.dataset.index);
    chip.classList.toggle("active", i === index);
    chip.classList.toggle("pinned", i === state.pinned);
  }
  if (index < 0 || index >= result.words.length) drawImage(el.canvas, state.resultImage);
  else drawAttention(el.canvas, state.resultImage, result.words[index].attention, `${index}:${result.words[index].text}`);
}

function showError(problem) {
  el.output.dataset.state = "error";
  el.errorTitle.textContent = problem.title;
  el.errorDetail.textContent = problem.detail;
  el.error.hidden = false;
}

function resetOutput() {
  state.result = null;
  state.resultImage = null;
  state.pinned = -1;
  el.output.dataset.state = "empty";
  el.error.hidden = true;
  el.errorTitle.textContent = "";
  el.errorDetail.textContent = "";
  el.caption.textContent = "The caption will appear here.";
  el.caption.classList.add("placeholder");
  for (const button of [el.copyCaption, el.downloadTxt, el.downloadJson, el.flag]) button.disabled = true;
  el.copyFeedback.textContent = "";
  el.flagFeedback.textContent = "";
  el.alternatives.replaceChildren();
  el.timings.replaceChildren();
  el.classes.textContent = "";
  el.words.replaceChildren();
  clearCanvas(el.canvas);
  el.canvas.hidden = true;
  el.attentionEmpty.hidden = false;
}

el.submit.addEventListener("click", submit);

el.clear.addEventListener("click", () => {
  // Like Gradio's Clear: back to the initial state, no server call. A running request is abandoned.
  state.request?.abort();
  state.request = null;
  setBusy(false);
  clearInput();
  resetOutput();
  el.beamWidth.value = DEFAULTS.beamWidth;
  el.beamWidthValue.textContent = DEFAULTS.beamWidth;
  el.maxLength.value = DEFAULTS.maxLength;
  el.maxLengthValue.textContent = DEFAULTS.maxLength;
  el.flagReason.value = "";
  updateCurl();
});

// ---------- Copy, download, flag ----------

el.copyCaption.addEventListener("click", async () => {
  if (!state.result) return;
  el.copyFeedback.textContent = (await copyText(state.result.caption)) ? "Copied." : "Copy failed; select the text instead.";
});
el.downloadTxt.addEventListener("click", () => {
  if (state.result) download(state.result.caption + "\n", `caption-${safeStem(state.fileName)}.txt`, "text/plain");
});
el.downloadJson.addEventListener("click", () => {
  if (state.result) download(JSON.stringify(state.result, null, 2) + "\n", `caption-${safeStem(state.fileName)}.json`, "application/json");
});

el.flag.addEventListener("click", async () => {
  if (!state.result || !state.file) return;
  el.flag.disabled = true;
  el.flagFeedback.textContent = "Saving…";
  try {
    const file = state.file instanceof File ? state.file : new File([state.file], state.fileName);
    const receipt = await api.flag(file, { caption: state.result.caption, ...options(), reason: el.flagReason.value });
    el.flagFeedback.textContent = `Flagged as ${receipt.id}. Thank you.`;
  } catch (error) {
    el.flagFeedback.textContent = `Not saved: ${error.detail || error.message}`;
    el.flag.disabled = false;
  }
});

// ---------- Use via API ----------

function updateCurl() {
  const o = options();
  const name = /^[\w.-]{1,80}$/.test(state.fileName) ? state.fileName : "photo.jpg";
  const base = new URL("api/caption", window.location.href);
  base.search = new URLSearchParams({ beamWidth: o.beamWidth, maxLength: o.maxLength, nBest: o.nBest }).toString();
  el.curl.textContent = `curl -F "image=@${name}" "${base.href}"`;
}
el.copyCurl.addEventListener("click", async () => {
  el.copyCurlFeedback.textContent = (await copyText(el.curl.textContent)) ? "Copied." : "Copy failed; select the text instead.";
});

// ---------- Model status ----------

function applyLimits(limits) {
  if (!limits) return;
  el.maxSize.textContent = formatBytes(limits.maxUploadBytes);
  el.beamWidth.max = String(limits.maxBeamWidth);
  el.maxLength.max = String(limits.maxCaptionLength);
}

async function checkModel() {
  const health = await api.getStatus("api/health");
  applyLimits(health.limits);
  const status = health.status || "unavailable";
  el.status.dataset.state = status;
  el.status.textContent = { ready: "Model ready", loading: "Model loading…", unavailable: "No model", unreachable: "Server unreachable" }[status] || status;
  el.banner.hidden = status === "ready";
  el.banner.textContent = status === "ready" ? "" : health.detail || "";
  if (status === "loading" || status === "unreachable") {
    setTimeout(checkModel, 1500);
  } else if (status === "ready") {
    try {
      const model = await api.requestJson("api/model");
      const quality = Object.entries(model.quality || {}).slice(0, 6).map(([name, value]) => `${name} ${value}`).join(", ");
      const decoders = model.decoders > 1 ? `${model.decoders} decoders (ensemble), ` : "decoder ";
      el.modelInfo.textContent = `Model: ${model.name} · encoder ${model.encoder} · ${decoders}hidden ${model.decoder.hiddenDim}, attention ${model.decoder.attentionDim}, ${model.weightPrecision} step weights · vocabulary ${model.vocabularySize.toLocaleString()} words`
        + (quality ? ` · measured quality (model card): ${quality}` : " · no measured quality in the model card");
    } catch {
      el.modelInfo.textContent = "Model: details unavailable";
    }
  }
}

function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

updateCurl();
resetOutput();
loadExamples();
checkModel();
