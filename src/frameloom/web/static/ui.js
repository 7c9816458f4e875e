// Small helpers the page's modules share: an element builder, toasts, byte
// sizes and the plain-language text of an API error.

/** `h("button", {type: "button", onclick}, "text", child...)`: attributes, properties (`on*`), children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name in el && typeof value !== "string") el[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/** "200 MB", "1.5 KB": binary units, as the server counts `upload_max_bytes`. */
export function formatBytes(bytes) {
  const units = ["bytes", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = Number.isInteger(value) ? value : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

/** Show `text` in the page's status region for `ms` (role=status: read out by screen readers). */
export function toast(text, { kind = "info", ms = 6000, link = null } = {}) {
  const region = document.getElementById("toasts");
  const item = h("div", { class: `toast ${kind}` }, text);
  if (link) item.append(" ", h("a", { href: link.href, target: "_blank", rel: "noopener" }, link.text));
  region.append(item);
  setTimeout(() => item.remove(), ms);
  return item;
}

/** What an ApiError means for a person, in the UI language (SPEC section 2 codes). */
export function errorText(error, t) {
  const data = error?.data ?? {};
  switch (error?.code) {
    case 2001: return t("error.2001", { required: data.required ?? "?", available: data.available ?? "?" });
    case 4001: return t("error.4001", { formats: (data.supported ?? []).join(", ") });
    case 4002: return t("error.4002", { max: formatBytes(data.max_bytes ?? 0) });
    case 4003: return t("error.4003", { reason: data.reason ?? error.message });
    case 429: return t("error.429", { seconds: Math.ceil(data.retry_after ?? 1) });
    case 0: return t("error.network");
    case 400:
      if (Array.isArray(data.errors) && data.errors.length) {
        return data.errors.map((e) => `${e.field}: ${e.problem}`).join("; ");
      }
      return error.message;
    default: return error?.message ?? String(error);
  }
}

/** True when keys typed now belong to a text field (shortcuts stay out of its way). */
export function typing(target) {
  const el = target instanceof Element ? target : null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

/** A JSON value kept in localStorage under `key`; `fallback` when absent or unreadable. */
export function loadJson(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

export function saveJson(key, value) {
  localStorage.setItem(key, JSON.stringify(value));
}

/** What this browser made in a session that the server's state does not say (a video's prompt). */
export const madeKey = (sessionId) => `frameloom.made:${sessionId}`;
