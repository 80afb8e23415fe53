// Saving and copying text from the page, without any server call.

/** Offers text as a file download. */
export function download(text, fileName, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Copies text to the clipboard; falls back to a hidden textarea where the Clipboard API is unavailable. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // permission refused (e.g. headless): fall through to the old way
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

/** Escapes text for a double-quoted HTML attribute value. */
export function escapeAttribute(text) {
  return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The caption as ready-to-paste markup: <img src="…" alt="…"> (the same form as the CLI's `caption --format alt-html`). */
export function altTextHtml(src, alt) {
  return `<img src="${escapeAttribute(src)}" alt="${escapeAttribute(alt)}">`;
}

/** A file-name-safe stem: letters, digits, '-' and '_' only. */
export function safeStem(name) {
  const stem = (name || "image").replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return stem.slice(0, 60) || "image";
}
