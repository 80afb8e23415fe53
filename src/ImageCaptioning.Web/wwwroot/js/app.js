// The demo page: Gradio's Upload → Submit → Output flow. All server text goes into the page through
// textContent (never parsed as HTML), so a caption can only ever be text. Screen readers hear the page
// through one polite live region (#announcer); focus is moved to a sensible control whenever the one that
// had it disappears or is disabled by a re-render.
import * as api from "./api.js";
import { drawAttention, drawImage, clearCanvas, drawScaleBar, describeAttention } from "./attention.js";
import { altTextHtml, copyText, download, safeStem } from "./downloads.js";

const $ = id => document.getElementById(id);
const el = {
  status: $("model-status"), banner: $("model-banner"), modelInfo: $("model-info"), announcer: $("announcer"),
  dropZone: $("drop-zone"), fileInput: $("file-input"), dropHint: $("drop-hint"), preview: $("preview"),
  chooseFile: $("choose-file"), removeImage: $("remove-image"), fileName: $("file-name"), maxSize: $("max-size"),
  beamWidth: $("beam-width"), beamWidthValue: $("beam-width-value"), maxLength: $("max-length"), maxLengthValue: $("max-length-value"),
  submit: $("submit"), clear: $("clear"), examples: $("examples"), examplesCredit: $("examples-credit"),
  outputColumn: $("output-column"), output: $("output"), progress: $("progress"), progressText: $("progress-text"),
  error: $("error"), errorTitle: $("error-title"), errorDetail: $("error-detail"),
  caption: $("caption"), oodNote: $("ood-note"), exampleCredit: $("example-credit"), references: $("references"), referencesList: $("references-list"),
  copyCaption: $("copy-caption"), copyAlt: $("copy-alt"), downloadTxt: $("download-txt"), downloadJson: $("download-json"), copyFeedback: $("copy-feedback"),
  canvas: $("attention-canvas"), attentionEmpty: $("attention-empty"), attentionDescription: $("attention-description"),
  attentionScale: $("attention-scale"), scaleBar: $("attention-scale-bar"), words: $("words"), wordDescriptions: $("word-descriptions"),
  alternatives: document.querySelector("#alternatives tbody"), alternativesTable: $("alternatives"), alternativesEmpty: $("alternatives-empty"), timings: $("timings"), classes: $("classes"),
  guidance: $("guidance"), tagsBlock: $("tags-block"), tags: $("tags"), tagsNote: $("tags-note"),
  flag: $("flag"), flagFeedback: $("flag-feedback"), flagDialog: $("flag-dialog"), flagForm: $("flag-form"), flagCaption: $("flag-caption"),
  flagReason: $("flag-reason"), flagError: $("flag-error"), flagCancel: $("flag-cancel"), flagSend: $("flag-send"),
  curl: $("curl"), copyCurl: $("copy-curl"), copyCurlFeedback: $("copy-curl-feedback"),
};

const DEFAULTS = { beamWidth: el.beamWidth.value, maxLength: el.maxLength.value, guidance: el.guidance.checked };
const RESULT_BUTTONS = [el.copyCaption, el.copyAlt, el.downloadTxt, el.downloadJson, el.flag];

const state = {
  file: null,          // the File or Blob to caption
  fileName: "",
  example: null,       // the gallery example `file` came from: { example, name }, or null for the user's own image
  image: null,         // the decoded HTMLImageElement of `file` (for the attention view)
  previewUrl: null,
  result: null,        // the last /api/caption answer
  resultImage: null,   // the image that answer belongs to
  descriptions: [],    // per word, where it looked in words
  pinned: -1,          // index of the word clicked, or -1
  request: null,       // AbortController of the running request
  timer: 0,
  announceTimer: 0,
};

// ---------- Screen reader and focus ----------

/** Speaks `text` through the page's one polite live region (cleared first, so the same text is spoken again). */
function announce(text) {
  clearTimeout(state.announceTimer);
  el.announcer.textContent = "";
  state.announceTimer = setTimeout(() => { el.announcer.textContent = text; }, 60);
}

const canHoldFocus = node => node.isConnected && !node.disabled && node.checkVisibility();

/** Runs `render`; if the focused control vanished or was disabled by it, focus moves to `fallback` instead of the page body. */
function keepFocus(render, fallback = () => el.submit) {
  const focused = document.activeElement;
  render();
  if (focused && focused !== document.body && !canHoldFocus(focused)) fallback().focus();
}

// ---------- Input ----------

function setFile(file, name) {
  if (!file) return;
  keepFocus(() => {
    cancelRequest(); // a caption still on its way belongs to the previous image
    resetOutput();
    if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
    state.example = null;
    showExampleCredit();
    state.file = file;
    state.fileName = name || file.name || "image";
    state.previewUrl = URL.createObjectURL(file);
    state.image = null;
    const image = new Image();
    image.onload = () => { if (state.file === file) state.image = image; };
    image.src = state.previewUrl;
    el.preview.alt = `${state.fileName}, not captioned yet`;
    el.preview.src = state.previewUrl;
    el.preview.hidden = false;
    el.preview.onerror = () => { el.fileName.textContent = `${state.fileName} — the browser cannot preview it; Submit will still ask the server.`; };
    el.dropHint.hidden = true;
    el.removeImage.hidden = false;
    el.chooseFile.textContent = "Choose another image…";
    el.dropZone.classList.add("has-image");
    el.fileName.textContent = `${state.fileName} · ${formatBytes(file.size)}`;
    updateCurl();
  });
}

function clearInput() {
  if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
  Object.assign(state, { file: null, fileName: "", example: null, image: null, previewUrl: null });
  showExampleCredit();
  el.fileInput.value = "";
  el.preview.removeAttribute("src");
  el.preview.alt = "";
  el.preview.hidden = true;
  el.dropHint.hidden = false;
  el.removeImage.hidden = true;
  el.chooseFile.textContent = "Choose an image…";
  el.dropZone.classList.remove("has-image");
  el.fileName.textContent = "";
}

// The drop zone is a mouse convenience (click or drop); the keyboard path is the "Choose an image…" button.
el.dropZone.addEventListener("click", () => { if (!state.file) el.fileInput.click(); });
el.chooseFile.addEventListener("click", () => el.fileInput.click());
el.fileInput.addEventListener("change", () => setFile(el.fileInput.files[0]));
el.removeImage.addEventListener("click", () => {
  keepFocus(() => { cancelRequest(); clearInput(); resetOutput(); updateCurl(); }, () => el.chooseFile);
  announce("Image removed.");
});

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
  if (event.target instanceof HTMLTextAreaElement || (event.target instanceof HTMLInputElement && event.target.type === "text")) return;
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
  return { beamWidth, maxLength: Number(el.maxLength.value), nBest: beamWidth, guidance: el.guidance.checked ? "tags" : "off" };
}
el.guidance.addEventListener("change", () => updateCurl());

// ---------- Examples ----------

async function loadExamples() {
  let examples = [];
  try {
    examples = await api.requestJson("api/examples");
  } catch {
    const item = document.createElement("li");
    item.textContent = "The examples could not be loaded.";
    el.examplesCredit.replaceChildren(item);
    return;
  }
  el.examples.replaceChildren(...examples.map(example => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.dataset.id = example.id;
    button.title = example.credit ? `${example.title} — ${example.credit}` : example.title;
    const label = document.createElement("span");
    label.className = "example-title";
    label.textContent = example.title;
    button.append(example.random ? randomTile() : thumbnail(example), label);
    if (example.outsideTrainingData) {
      const badge = document.createElement("span");
      badge.className = "example-badge";
      badge.textContent = "outside its training data";
      button.append(badge);
    }
    button.addEventListener("click", () => useExample(example));
    return button;
  }));
  el.examplesCredit.replaceChildren(...examples.filter(e => e.credit).map(e => {
    const item = document.createElement("li");
    item.textContent = `${e.title}: ${e.credit}.`;
    return item;
  }));
  el.examplesCredit.closest("details").hidden = el.examplesCredit.children.length === 0;
}

function thumbnail(example) {
  const image = document.createElement("img");
  image.src = `api/examples/${encodeURIComponent(example.id)}`;
  image.alt = ""; // the button's text names it; the thumbnail would only repeat it
  image.loading = "lazy";
  return image;
}

/** The random test photo's tile: a die instead of a thumbnail (each click brings another photo). */
function randomTile() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "example-random");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 4a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm8 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm-4 4a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm-4 4a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm8 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z");
  svg.append(path);
  return svg;
}

/** The file name a served example carries (the random test photo names its Flickr8k image), else `fallback`. */
function servedName(response, fallback) {
  const match = /filename="?([\w.-]{1,100})"?/.exec(response.headers.get("Content-Disposition") || "");
  return match ? match[1] : fallback;
}

/** A click on an example loads it and captions it at once with the current settings. */
async function useExample(example) {
  let file;
  try {
    const response = await fetch(`api/examples/${encodeURIComponent(example.id)}`, { cache: "no-store" });
    if (!response.ok) throw new Error(String(response.status));
    const blob = await response.blob();
    const extension = (blob.type.split("/")[1] || "jpg").replace("jpeg", "jpg");
    file = new File([blob], servedName(response, `${example.id}.${extension}`), { type: blob.type });
  } catch {
    showError(new api.ApiProblem("The example could not be loaded", "Try another example or upload your own image."));
    return;
  }
  setFile(file);
  state.example = { example, name: file.name };
  showExampleCredit();
  announce(`Example “${example.title}” loaded; captioning it.`);
  if (example.random) showReferences(file.name);
  await submit();
}

/** For a Flickr8k test photo: the captions people wrote, to compare with the model's (a failure only leaves them out). */
async function showReferences(name) {
  try {
    const answer = await api.requestJson(`api/examples/${encodeURIComponent(state.example.example.id)}/${encodeURIComponent(name)}/references`);
    if (state.example?.name !== name) return; // another image meanwhile
    el.referencesList.replaceChildren(...answer.references.map(text => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    el.references.hidden = answer.references.length === 0;
  } catch {
    el.references.hidden = true;
  }
}

/** Under the caption: which example this is, where the photo comes from and its licence (text only, plus a link). */
function showExampleCredit() {
  const current = state.example;
  el.exampleCredit.hidden = !current;
  el.references.hidden = true; // shown again by showReferences for a Flickr8k test photo
  el.referencesList.replaceChildren();
  if (!current) { el.exampleCredit.replaceChildren(); return; }
  const { example, name } = current;
  const parts = [];
  if (example.outsideTrainingData) {
    const strong = document.createElement("strong");
    strong.textContent = "Outside its training data: ";
    parts.push(strong);
  }
  const what = example.random ? `${example.title} (${name})` : example.title;
  parts.push(document.createTextNode(`Example: ${what}${example.credit ? ` — ${example.credit}` : ""}.`));
  if (example.sourceUrl && /^https:\/\//.test(example.sourceUrl)) {
    const link = document.createElement("a");
    link.className = "link";
    link.href = example.sourceUrl;
    link.rel = "noopener noreferrer";
    link.textContent = example.random ? "About Flickr8k" : "Original photo";
    parts.push(document.createTextNode(" "), link);
  }
  el.exampleCredit.replaceChildren(...parts);
}

// ---------- Submit and output ----------

async function submit() {
  if (state.request) return; // already running: Submit stays focusable (aria-disabled) instead of losing focus
  if (!state.file) {
    keepFocus(resetOutput);
    showError(new api.ApiProblem("No image yet", "Choose, drop or paste an image first, or click one of the examples."));
    return;
  }
  const controller = new AbortController();
  state.request = controller;
  const file = state.file;
  const started = performance.now();
  try { // from here on every way out clears state.request (finally): a throw must not leave Submit dead for good
    keepFocus(resetOutput);
    setBusy(true, started);
    announce("Captioning…");
    const result = await api.caption(file instanceof File ? file : new File([file], state.fileName), options(), controller.signal);
    if (state.request !== controller) return; // cleared or superseded meanwhile
    const roundTrip = performance.now() - started;
    await imageReady(file);
    if (state.request !== controller) return; // a new image, Clear or Remove while the preview decoded: not ours to end
    setBusy(false);
    keepFocus(() => showResult(result, roundTrip));
  } catch (error) {
    if (error.name === "AbortError" || state.request !== controller) return;
    setBusy(false);
    showError(error instanceof api.ApiProblem ? error : new api.ApiProblem("Something went wrong", String(error.message || error)));
  } finally {
    if (state.request === controller) {
      state.request = null;
      setBusy(false);
    }
  }
}

function cancelRequest() {
  state.request?.abort();
  state.request = null;
  setBusy(false);
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
  if (busy) el.submit.setAttribute("aria-disabled", "true");
  else el.submit.removeAttribute("aria-disabled");
  el.submit.textContent = busy ? "Running…" : "Submit";
  el.outputColumn.setAttribute("aria-busy", String(busy));
  el.progress.hidden = !busy;
  if (busy) el.output.dataset.state = "running";
  clearInterval(state.timer);
  if (busy) {
    const tick = () => { el.progressText.textContent = `Captioning… ${((performance.now() - started) / 1000).toFixed(1)} s`; };
    tick();
    state.timer = setInterval(tick, 100);
  }
}

/** The visible (and spoken) note for a photo the server judged unlike the training data, or "" if it did not. */
function outOfDistributionNote(ood) {
  if (!ood || ood.flagged !== true) return "";
  const figures = Number.isFinite(ood.score) && Number.isFinite(ood.threshold)
    ? `score ${formatNumber(ood.score)}, threshold ${formatNumber(ood.threshold)}` : "";
  const why = [typeof ood.reason === "string" ? ood.reason.trim() : "", figures].filter(Boolean).join("; ");
  return `This photo looks unlike the training data${why ? ` (${why})` : ""}; the caption may be unreliable.`;
}

/** The caption as text, with the words that came from the encoder's tags in <mark> (the text stays the caption). */
function showCaption(result, caption) {
  const fromTags = new Set(result.guidance?.wordsFromTags ?? []);
  if (fromTags.size === 0 || !result.words?.length) {
    el.caption.textContent = caption;
    return;
  }
  const parts = [];
  result.words.forEach((word, index) => {
    if (index > 0) parts.push(document.createTextNode(" "));
    if (fromTags.has(index)) {
      const mark = document.createElement("mark");
      mark.className = "from-tag";
      mark.title = "from the encoder's tags";
      mark.textContent = word.text;
      parts.push(mark);
    } else parts.push(document.createTextNode(word.text));
  });
  el.caption.replaceChildren(...parts);
}

/** The encoder's tags with probabilities, and what guidance did with them, in words. */
function showTags(result) {
  const tags = result.tags ?? [];
  el.tagsBlock.hidden = tags.length === 0;
  el.tags.replaceChildren(...tags.map(tag => {
    const item = document.createElement("li");
    item.textContent = `${tag.word} ${(tag.probability * 100).toFixed(0)}%` + (tag.classes?.length ? ` (${tag.classes.join(", ")})` : "");
    return item;
  }));
  const g = result.guidance;
  const notes = [];
  if (!g) notes.push("Guidance was off: the decoder alone chose the words.");
  else {
    const fromTags = (g.wordsFromTags ?? []).map(i => result.words[i]?.text).filter(Boolean);
    if (g.forcedTag && g.constraintMet && fromTags.length)
      notes.push(`Highlighted in the caption: “${fromTags.join("”, “")}”, written because the encoder recognised “${g.forcedTag}” (${(g.forcedTagProbability * 100).toFixed(0)}%).`);
    else if (g.forcedTag && g.constraintMet) notes.push(`The caption already names “${g.forcedTag}”, which the encoder recognised.`);
    else if (g.forcedTag) notes.push(`The encoder recognised “${g.forcedTag}”, but no caption with it could be found; this is the unguided caption.`);
    else notes.push("No object was recognised confidently enough (90%, or 75% for a photo unlike the training photos) to guide the caption.");
    const proxies = Object.entries(g.shownAs ?? {});
    if (g.constraintMet && proxies.length)
      notes.push(`“${g.forcedTag}” is not in the decoder's vocabulary: it was written with the weights of “${proxies[0][0]}”.`);
    if (g.forbidden?.length) notes.push("“Dog” was ruled out: the encoder sees no dog, but something else.");
  }
  el.tagsNote.textContent = notes.join(" ");
}

function showResult(result, roundTripMs) {
  state.result = result;
  state.resultImage = state.image;
  el.output.dataset.state = "done";
  const caption = result.caption || "(the model produced an empty caption)";
  showCaption(result, caption);
  el.caption.classList.remove("placeholder");
  if (result.caption) el.preview.alt = result.caption; // the caption is the image's alt text from now on
  const note = outOfDistributionNote(result.outOfDistribution);
  el.oodNote.textContent = note;
  el.oodNote.hidden = !note;
  for (const button of RESULT_BUTTONS) button.disabled = false;

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
  el.alternativesEmpty.hidden = result.alternatives.length > 0;
  el.alternativesTable.hidden = result.alternatives.length === 0; // no header cells without data cells

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

  showTags(result);

  // Attention view: a toolbar of word buttons (one tab stop; the arrow keys move between words)
  state.descriptions = result.words.map(word => describeAttention(word.attention).text);
  el.wordDescriptions.replaceChildren(...result.words.map((word, index) => {
    const description = document.createElement("span");
    description.id = `word-description-${index}`;
    description.textContent = `Looked at the ${state.descriptions[index]}.`;
    return description;
  }));
  el.words.replaceChildren(...result.words.map((word, index) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "word-chip";
    chip.textContent = word.text;
    chip.dataset.index = String(index);
    chip.tabIndex = index === 0 ? 0 : -1;
    chip.setAttribute("aria-pressed", "false");
    chip.setAttribute("aria-describedby", `word-description-${index}`);
    chip.addEventListener("mouseenter", () => showWord(index));
    chip.addEventListener("focus", () => { setRovingStop(index); showWord(index); });
    chip.addEventListener("mouseleave", () => showWord(state.pinned));
    chip.addEventListener("blur", () => showWord(state.pinned));
    chip.addEventListener("click", () => { state.pinned = state.pinned === index ? -1 : index; showWord(state.pinned === -1 ? index : state.pinned); });
    return chip;
  }));
  el.words.hidden = result.words.length === 0;
  el.attentionScale.hidden = false;
  showWord(-1);

  announce(note ? `Caption: ${caption}. ${note}` : `Caption: ${caption}`);
}

/** Arrow keys, Home and End move focus between the word buttons (the WAI-ARIA toolbar pattern). */
el.words.addEventListener("keydown", event => {
  const chips = [...el.words.children];
  const current = chips.indexOf(document.activeElement);
  if (current < 0) return;
  const next = { ArrowRight: current + 1, ArrowDown: current + 1, ArrowLeft: current - 1, ArrowUp: current - 1, Home: 0, End: chips.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  chips[(next + chips.length) % chips.length].focus();
});

function setRovingStop(index) {
  for (const chip of el.words.children) chip.tabIndex = Number(chip.dataset.index) === index ? 0 : -1;
}

/** Shows word `index`'s attention over the image, or the plain image for -1. */
function showWord(index) {
  const result = state.result;
  if (!result) return;
  for (const chip of el.words.children) {
    const i = Number(chip.dataset.index);
    chip.classList.toggle("active", i === index);
    chip.setAttribute("aria-pressed", String(i === state.pinned));
  }
  const shown = index >= 0 && index < result.words.length;
  el.attentionDescription.textContent = shown
    ? `“${result.words[index].text}” (word ${index + 1} of ${result.words.length}): looked at the ${state.descriptions[index]}.`
    : "Choose a word to see where the model looked for it.";
  if (!state.resultImage) return; // the browser could not decode the image: words and descriptions still work
  el.attentionEmpty.hidden = true;
  el.canvas.hidden = false;
  if (!shown) {
    drawImage(el.canvas, state.resultImage);
    el.canvas.setAttribute("aria-label", `The image: ${result.caption}`);
  } else {
    drawAttention(el.canvas, state.resultImage, result.words[index].attention, `${index}:${result.words[index].text}`);
    el.canvas.setAttribute("aria-label", `Attention for “${result.words[index].text}”: ${state.descriptions[index]}`);
  }
}

function showError(problem) {
  el.output.dataset.state = "error";
  el.errorTitle.textContent = problem.title;
  el.errorDetail.textContent = problem.detail;
  el.error.hidden = false;
  announce(`Error: ${problem.title}. ${problem.detail}`);
}

function resetOutput() {
  state.result = null;
  state.resultImage = null;
  state.descriptions = [];
  state.pinned = -1;
  el.output.dataset.state = "empty";
  el.error.hidden = true;
  el.errorTitle.textContent = "";
  el.errorDetail.textContent = "";
  el.caption.textContent = "The caption will appear here.";
  el.caption.classList.add("placeholder");
  el.oodNote.textContent = "";
  el.oodNote.hidden = true;
  if (state.file) el.preview.alt = `${state.fileName}, not captioned yet`;
  for (const button of RESULT_BUTTONS) button.disabled = true;
  el.flag.removeAttribute("aria-disabled");
  el.flag.textContent = "Flag this caption…";
  el.copyFeedback.textContent = "";
  el.flagFeedback.textContent = "";
  el.alternatives.replaceChildren();
  el.alternativesEmpty.hidden = false;
  el.alternativesTable.hidden = true;
  el.timings.replaceChildren();
  el.classes.textContent = "";
  el.tagsBlock.hidden = true;
  el.tags.replaceChildren();
  el.tagsNote.textContent = "";
  el.words.replaceChildren();
  el.words.hidden = true;
  el.wordDescriptions.replaceChildren();
  el.attentionDescription.textContent = "";
  el.attentionScale.hidden = true;
  clearCanvas(el.canvas);
  el.canvas.hidden = true;
  el.canvas.setAttribute("aria-label", "No image captioned yet");
  el.attentionEmpty.hidden = false;
}

el.submit.addEventListener("click", submit);

el.clear.addEventListener("click", () => {
  // Like Gradio's Clear: back to the initial state, no server call. A running request is abandoned.
  keepFocus(() => {
    cancelRequest();
    clearInput();
    resetOutput();
    el.beamWidth.value = DEFAULTS.beamWidth;
    el.beamWidthValue.textContent = DEFAULTS.beamWidth;
    el.maxLength.value = DEFAULTS.maxLength;
    el.maxLengthValue.textContent = DEFAULTS.maxLength;
    el.guidance.checked = DEFAULTS.guidance;
    el.flagReason.value = "";
    updateCurl();
  });
  announce("Cleared.");
});

// ---------- Copy, download ----------

async function copyAndSay(text, feedback) {
  const message = (await copyText(text)) ? "Copied." : "Copy failed; select the text instead.";
  feedback.textContent = message;
  announce(message);
}

el.copyCaption.addEventListener("click", () => { if (state.result) copyAndSay(state.result.caption, el.copyFeedback); });
el.copyAlt.addEventListener("click", () => { if (state.result) copyAndSay(altTextHtml(state.fileName, state.result.caption), el.copyFeedback); });
el.downloadTxt.addEventListener("click", () => {
  if (state.result) download(state.result.caption + "\n", `caption-${safeStem(state.fileName)}.txt`, "text/plain");
});
el.downloadJson.addEventListener("click", () => {
  if (state.result) download(JSON.stringify(state.result, null, 2) + "\n", `caption-${safeStem(state.fileName)}.json`, "application/json");
});

// ---------- Flag (a modal dialog) ----------

el.flag.addEventListener("click", () => {
  if (!state.result || el.flag.getAttribute("aria-disabled") === "true") return;
  el.flagCaption.textContent = state.result.caption;
  el.flagError.hidden = true;
  el.flagError.textContent = "";
  el.flagSend.disabled = false;
  el.flagDialog.showModal();
  el.flagReason.focus();
});
el.flagCancel.addEventListener("click", () => el.flagDialog.close());
el.flagDialog.addEventListener("close", () => { if (canHoldFocus(el.flag)) el.flag.focus(); else el.submit.focus(); });

el.flagForm.addEventListener("submit", async event => {
  event.preventDefault();
  if (el.flagSend.getAttribute("aria-disabled") === "true") return; // already sending
  if (!state.result || !state.file) { el.flagDialog.close(); return; }
  el.flagSend.setAttribute("aria-disabled", "true");
  el.flagFeedback.textContent = "Saving…";
  try {
    const file = state.file instanceof File ? state.file : new File([state.file], state.fileName);
    const receipt = await api.flag(file, { caption: state.result.caption, ...options(), reason: el.flagReason.value });
    el.flagFeedback.textContent = `Flagged as ${receipt.id}. Thank you.`;
    el.flag.setAttribute("aria-disabled", "true");
    el.flag.textContent = "Flagged";
    el.flagDialog.close();
    announce(el.flagFeedback.textContent);
  } catch (error) {
    el.flagFeedback.textContent = "";
    el.flagError.textContent = `Not saved: ${error.detail || error.message}`;
    el.flagError.hidden = false;
    announce(el.flagError.textContent);
  } finally {
    el.flagSend.removeAttribute("aria-disabled");
  }
});

// ---------- Use via API ----------

function updateCurl() {
  const o = options();
  const name = /^[\w.-]{1,80}$/.test(state.fileName) ? state.fileName : "photo.jpg";
  const base = new URL("api/caption", window.location.href);
  base.search = new URLSearchParams({ beamWidth: o.beamWidth, maxLength: o.maxLength, nBest: o.nBest, guidance: o.guidance }).toString();
  el.curl.textContent = `curl -F "image=@${name}" "${base.href}"`;
}
el.copyCurl.addEventListener("click", () => copyAndSay(el.curl.textContent, el.copyCurlFeedback));

// ---------- Model status ----------

function applyLimits(limits) {
  if (!limits) return;
  el.maxSize.textContent = formatBytes(limits.maxUploadBytes);
  el.beamWidth.max = String(limits.maxBeamWidth);
  el.maxLength.max = String(limits.maxCaptionLength);
}

let lastStatus = null;

async function checkModel() {
  const health = await api.getStatus("api/health");
  applyLimits(health.limits);
  const status = health.status || "unavailable";
  const text = { ready: "Model ready", loading: "Model loading…", unavailable: "No model", unreachable: "Server unreachable" }[status] || status;
  el.status.dataset.state = status;
  el.status.textContent = text;
  el.banner.hidden = status === "ready";
  el.banner.textContent = status === "ready" ? "" : health.detail || "";
  // Spoken only when it matters: a model that is not ready, or that became ready after a wait.
  if (status !== lastStatus && (lastStatus !== null || status !== "ready"))
    announce(status === "ready" ? text : `${text}. ${health.detail || ""}`);
  lastStatus = status;
  if (status === "loading" || status === "unreachable") {
    setTimeout(checkModel, 1500);
  } else if (status === "ready") {
    try {
      const model = await api.requestJson("api/model");
      const quality = Object.entries(model.quality || {}).slice(0, 6).map(([name, value]) => `${name} ${value}`).join(", ");
      const decoders = model.decoders > 1 ? `${model.decoders} decoders (ensemble), ` : "decoder ";
      showGridSize(model.decoder.positions);
      el.modelInfo.textContent = `Model: ${model.name} · encoder ${model.encoder} · ${decoders}hidden ${model.decoder.hiddenDim}, attention ${model.decoder.attentionDim}, ${model.weightPrecision} step weights · vocabulary ${model.vocabularySize.toLocaleString()} words`
        + (quality ? ` · measured quality (model card): ${quality}` : " · no measured quality in the model card");
    } catch {
      el.modelInfo.textContent = "Model: details unavailable";
    }
  }
}

/** The hints name the grid the model attends over (side × side cells, from its config), not a fixed 7×7. */
function showGridSize(positions) {
  const side = Math.round(Math.sqrt(positions));
  document.querySelectorAll(".grid-size").forEach(span => { span.textContent = `${side}×${side}`; });
  document.querySelectorAll(".grid-cells").forEach(span => { span.textContent = String(positions); });
}

function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function formatNumber(value) {
  return Number(value.toPrecision(3)).toString();
}

drawScaleBar(el.scaleBar);
updateCurl();
resetOutput();
loadExamples();
checkModel();
