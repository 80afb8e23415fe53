// Calls to the demo's JSON API. Every failure becomes an ApiProblem with a readable title and detail,
// so the page can always show a message instead of failing silently. Error bodies are read both in the
// RFC 9457 problem-details form (application/problem+json: title, detail, status) and in the older
// { error, detail } form.

export class ApiProblem extends Error {
  constructor(title, detail, status = 0, code = "") {
    super(detail);
    this.title = title;
    this.detail = detail;
    this.status = status;
    this.code = code;
  }
}

const TITLES = {
  400: "The image could not be used",
  403: "Not allowed",
  404: "Not found",
  413: "The image is too large",
  415: "Unsupported file type",
  429: "Too many requests",
  503: "The server cannot caption right now",
};

/** Sends a request and returns the parsed JSON body; throws ApiProblem for any error. */
export async function requestJson(url, init = {}) {
  let response;
  try {
    response = await fetch(url, { ...init, headers: { Accept: "application/json, application/problem+json", ...(init.headers || {}) } });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiProblem("The server could not be reached", "Check that the demo is still running, then try again.");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const { title, detail, code } = readProblem(response, body);
    const retry = response.headers.get("Retry-After");
    throw new ApiProblem(title, retry ? `${detail} (Retry after ${retry} s.)` : detail, response.status, code);
  }
  if (body === null) throw new ApiProblem("Something went wrong", "The server's answer was not JSON.", response.status);
  return body;
}

const text = value => (typeof value === "string" && value.trim() ? value.trim() : "");

/** The title, the sentence for a person and the machine code of an error answer, whichever form its body has. */
export function readProblem(response, body) {
  const problem = body && typeof body === "object" ? body : {};
  const code = text(problem.error) || text(problem.code) || "";
  const detail = text(problem.detail) || text(problem.message) || text(problem.title)
    || `The server answered ${response.status} ${response.statusText}.`;
  let title = TITLES[response.status] || text(problem.title) || "Something went wrong";
  if (response.status === 503 && code === "busy") title = "The server is busy";
  return { title, detail, code };
}

/** Reads a JSON body even from an error status (used for /api/health, which answers 503 with a body while not ready). */
export async function getStatus(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    return await response.json();
  } catch {
    return { status: "unreachable", detail: "The server could not be reached." };
  }
}

/** POST /api/caption with the image and options as a multipart form. */
export function caption(file, options, signal) {
  const form = new FormData();
  form.append("image", file, file.name || "image");
  for (const [key, value] of Object.entries(options)) form.append(key, String(value));
  return requestJson("api/caption", { method: "POST", body: form, signal });
}

/** POST /api/flag with the image, the caption, the options and a reason. */
export function flag(file, fields) {
  const form = new FormData();
  form.append("image", file, file.name || "image");
  for (const [key, value] of Object.entries(fields)) form.append(key, String(value));
  return requestJson("api/flag", { method: "POST", body: form });
}
