// The server's API as the page uses it. Every JSON call resolves to the
// envelope's `data` or throws an ApiError {code, message, data, status}
// (SPEC section 2); a network failure is code 0 with status 0.

export class ApiError extends Error {
  constructor(code, message, data = null, status = 0) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.data = data;
    this.status = status;
  }
}

const VERSION = document.documentElement.dataset.version || "0";
/** Attribution headers (SPEC section 2): required on exports, recorded everywhere. */
export const SKILL_HEADERS = {
  "X-Skill-Source": "web",
  "X-Skill-Version": VERSION,
  "X-Skill-Platform": "browser",
};

let token = null;

function headersFor(extra = {}) {
  const headers = { Accept: "application/json", ...SKILL_HEADERS, ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

async function envelopeOf(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status, response.statusText || "not a JSON answer", null, response.status);
  }
  if (body && body.code === 0) return body.data;
  throw new ApiError(body?.code ?? response.status, body?.message ?? response.statusText, body?.data ?? null,
                     response.status);
}

async function send(method, path, body, { headers = {}, signal } = {}) {
  const init = { method, headers: headersFor(headers), signal };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, String(error.message || error), null, 0);
  }
  return envelopeOf(response);
}

/** POST multipart `file` parts with upload progress (`onProgress(fraction 0..1)`); XHR: fetch has none. */
function upload(path, files, onProgress = () => {}) {
  const form = new FormData();
  for (const file of files) form.append("file", file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    for (const [name, value] of Object.entries(headersFor())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    xhr.onerror = () => reject(new ApiError(0, "network error", null, 0));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* answered below */ }
      if (body && body.code === 0) resolve(body.data);
      else reject(new ApiError(body?.code ?? xhr.status, body?.message ?? xhr.statusText, body?.data ?? null, xhr.status));
    };
    xhr.send(form);
  });
}

/** Split an SSE byte stream into events; `onEvent(json)` per `data:` event, comments (`: heartbeat`) skipped. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data = [];
  const line = (text) => {
    if (text === "") {
      if (data.length) onEvent(JSON.parse(data.join("\n")));
      data = [];
    } else if (text.startsWith("data:")) {
      data.push(text.slice(5).replace(/^ /, ""));
    } // ":" comments and other fields are not ours
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n/)) >= 0) {
      line(buffer.slice(0, end));
      buffer = buffer.slice(buffer[end] === "\r" ? end + 2 : end + 1);
    }
  }
  line(buffer);
  line("");
}

/** POST `body` to an SSE route (the chat's /run_sse) and call `onEvent` per event; resolves when it closes. */
async function stream(path, body, onEvent, { signal, headers = {} } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST", signal, body: JSON.stringify(body),
      headers: headersFor({ ...headers, Accept: "text/event-stream", "Content-Type": "application/json" }),
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, String(error.message || error), null, 0);
  }
  if (!response.ok || !(response.headers.get("content-type") || "").startsWith("text/event-stream")) {
    await envelopeOf(response);
    throw new ApiError(response.status, "not an event stream", null, response.status);
  }
  await readEvents(response.body, onEvent);
}

const api = {
  get: (path, options) => send("GET", path, undefined, options),
  post: (path, body, options) => send("POST", path, body, options),
  put: (path, body, options) => send("PUT", path, body, options),
  del: (path, options) => send("DELETE", path, undefined, options),
  upload,
  stream,
  /** The bearer token every call sends from now on (null: none). */
  setToken(value) { token = value; },
  get token() { return token; },
};

export default api;
