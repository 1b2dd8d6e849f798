// Talking to the server: the API key (asked once, kept in session storage), readable errors, and
// server-sent events read from a fetch response (EventSource cannot POST or send a key).

const KEY = "bayling-local.api-key";
export const UNREACHABLE = "Cannot reach the server: is bayling-local serve still running?";

export class ServerError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

let askKey = async () => false;

/** Called on a 401: shows the key dialog; resolves true once a key was given. */
export function onKeyNeeded(ask) {
  askKey = ask;
}

export function apiKey() {
  return sessionStorage.getItem(KEY) || "";
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

function headers(extra) {
  const all = { ...extra };
  const key = apiKey();
  if (key) all.Authorization = `Bearer ${key}`;
  return all;
}

/** fetch with the key; a refused request becomes a ServerError whose message a person can read. */
export async function request(path, { method = "GET", json, form, signal } = {}, retried = 0) {
  const init = { method, signal, headers: headers(json ? { "Content-Type": "application/json" } : {}) };
  if (json) init.body = JSON.stringify(json);
  if (form) init.body = form;
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ServerError(UNREACHABLE, 0);
  }
  // A refused key: ask (again) until one works or the user cancels.
  if (response.status === 401 && retried < 3 && (await askKey(await messageOf(response)))) {
    return request(path, { method, json, form, signal }, retried + 1);
  }
  if (!response.ok) throw new ServerError(await messageOf(response), response.status);
  return response;
}

async function messageOf(response) {
  let text = "";
  try {
    text = await response.clone().text();
  } catch {
    // the body could not be read: the status says enough
  }
  let message = "";
  try {
    const body = JSON.parse(text);
    message = typeof body.error === "string" ? body.error : body.error?.message || "";
  } catch {
    message = text.slice(0, 300);
  }
  const what = {
    401: "The server refused the API key",
    403: "The server refused the request",
    404: "Not found",
    409: "Not ready",
    413: "Too large",
    429: "The server is busy",
    503: "The server is not ready",
    504: "The server took too long",
  }[response.status];
  if (!message) return what || `The server answered ${response.status}`;
  return what && response.status !== 400 ? `${what}: ${message}` : message;
}

/** The JSON objects of a server-sent-events response, as they arrive. */
export async function* events(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ServerError(`Lost the connection to the server mid-answer. ${UNREACHABLE}`, 0);
    }
    const { value, done } = chunk;
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).replace(/^ /, ""))
        .join("\n");
      if (!data) continue;
      if (data === "[DONE]") return;
      yield JSON.parse(data);
    }
  }
}
