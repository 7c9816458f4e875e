// Gallery: the session's generations, uploads and exports (from the state),
// searched and filtered, favorites kept per session, remix, compare, download,
// and drag-and-drop upload. Returns {next(), previous(), favorite()} for the
// j / k / f shortcuts.
import { ApiError } from "./api.js";
import { errorText, formatBytes, h, loadJson, madeKey, saveJson, toast } from "./ui.js";

const DAY_MS = 86_400_000;
const DATES = { all: Infinity, today: 1, week: 7, month: 30 };
const URL_REUSE_MS = 3_600_000; // signed links last a day: keep an image's URL (and the browser's cache) for an hour

/** Gallery items from the session's state, newest first; `made` adds what this browser knows (video prompts). */
export function itemsOf(state, made) {
  const generated = new Map();
  for (const g of state.generations ?? []) g.media_ids.forEach((id, i) => generated.set(id, { g, i }));
  const exports = new Map((state.renders ?? []).filter((r) => r.status === "completed" && r.media_id).map((r) => [r.media_id, r]));
  const items = [];
  const seen = new Set();
  for (const m of state.media ?? []) {
    seen.add(m.media_id);
    const item = { id: m.media_id, url: m.url, kind: m.kind, format: m.format, filename: m.filename, bytes: m.bytes,
                   width: m.width, height: m.height, duration_ms: m.duration_ms, source: "upload", created_at: null };
    const gen = generated.get(m.media_id);
    const render = exports.get(m.media_id);
    const mine = made[m.media_id];
    if (gen) {
      Object.assign(item, { source: "generation", prompt: gen.g.prompt, engine: gen.g.engine, seed: gen.g.seed + gen.i,
                            style: gen.g.style, created_at: gen.g.created_at });
    } else if (render) {
      Object.assign(item, { source: "export", created_at: render.finished_at ?? render.created_at });
    } else if (mine) {
      Object.assign(item, { ...mine, source: mine.kind === "video" ? "generation" : "upload", kind: m.kind,
                            engine: mine.kind === "video" ? "compose" : undefined });
    }
    items.push(item);
  }
  for (const r of exports.values()) {
    if (seen.has(r.media_id)) continue;
    items.push({ id: r.media_id, url: r.url, kind: "video", format: r.format, filename: `${r.render_id}.${r.format}`,
                 bytes: r.bytes, width: r.width, height: r.height, duration_ms: r.duration_ms, source: "export",
                 created_at: r.finished_at ?? r.created_at });
  }
  return items.reverse();
}

function labelOf(item, t) {
  if (item.prompt) return item.prompt;
  if (item.source === "export") {
    return t("gallery.export", { format: item.format, size: item.width ? `${item.width}x${item.height}` : "" }).trim();
  }
  return item.filename;
}

/** True when `item` passes the filters: every word of `q`, kind or source, engine, date window, favorites. */
export function matches(item, filters, favorites, t, now = Date.now()) {
  const text = [labelOf(item, t), item.filename, item.seed, item.engine, item.style].join(" ").toLowerCase();
  const words = filters.q.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.every((w) => text.includes(w))) return false;
  if (filters.kind !== "all" && item.kind !== filters.kind && item.source !== filters.kind) return false;
  if (filters.engine !== "all" && item.engine !== filters.engine) return false;
  if (filters.fav && !favorites.has(item.id)) return false;
  const days = DATES[filters.date];
  if (days !== Infinity) {
    if (!item.created_at) return false;
    const since = filters.date === "today" ? new Date(now).setHours(0, 0, 0, 0) : now - days * DAY_MS;
    if (Date.parse(item.created_at) < since) return false;
  }
  return true;
}

function select(name, options, t) {
  return h("select", { name }, options.map(([value, key]) => h("option", { value, "data-i18n": key }, t(key))));
}

export function mountGallery(root, ctx) {
  const { api, t, session, bus } = ctx;
  const maxBytes = Number(document.documentElement.dataset.uploadMax || 0);
  const formats = (document.documentElement.dataset.formats || "").split(" ").filter(Boolean);
  const c = {
    count: h("span", { class: "count muted", "aria-live": "polite" }),
    search: h("input", { type: "search", name: "q", "data-i18n-placeholder": "gallery.searchHint", placeholder: t("gallery.searchHint") }),
    kind: select("kind", [["all", "gallery.kindAll"], ["image", "gallery.kindImage"], ["video", "gallery.kindVideo"],
                          ["audio", "gallery.kindAudio"], ["export", "gallery.kindExport"], ["upload", "gallery.kindUpload"]], t),
    engine: h("select", { name: "engine" }),
    date: select("date", [["all", "gallery.dateAll"], ["today", "gallery.dateToday"], ["week", "gallery.dateWeek"],
                          ["month", "gallery.dateMonth"]], t),
    fav: h("input", { type: "checkbox", name: "fav" }),
    selected: h("span", { class: "muted" }),
    compare: h("button", { type: "button", disabled: true, "data-i18n": "gallery.compare" }, t("gallery.compare")),
    download: h("button", { type: "button", disabled: true, "data-i18n": "gallery.downloadSelected" }, t("gallery.downloadSelected")),
    clear: h("button", { type: "button", disabled: true, "data-i18n": "gallery.clearSelection" }, t("gallery.clearSelection")),
    file: h("input", { type: "file", multiple: true, class: "visually-hidden", id: "upload-input" }),
    uploadStatus: h("p", { class: "muted", "aria-live": "polite" }),
    uploadError: h("p", { class: "error", role: "alert", hidden: true }),
    list: h("ul", { role: "list", class: "grid", "aria-label": t("gallery.list"), "data-i18n-aria": "gallery.list" }),
    empty: h("p", { class: "muted empty" }),
  };
  const limits = h("p", { class: "limits" });
  const drop = h("div", { class: "drop" },
    h("label", { for: "upload-input", class: "button" }, h("span", { "data-i18n": "gallery.upload" }, t("gallery.upload"))),
    c.file, h("span", { "data-i18n": "gallery.drop" }, t("gallery.drop")), limits, c.uploadStatus, c.uploadError);
  root.append(
    h("div", { class: "row baseline" }, h("h2", { id: "gallery-title", "data-i18n": "gallery.title" }, t("gallery.title")), c.count),
    h("div", { class: "row filters", role: "search" },
      h("label", { class: "field grow" }, h("span", { "data-i18n": "gallery.search" }, t("gallery.search")), c.search),
      h("label", { class: "field" }, h("span", { "data-i18n": "gallery.kind" }, t("gallery.kind")), c.kind),
      h("label", { class: "field" }, h("span", { "data-i18n": "gallery.engine" }, t("gallery.engine")), c.engine),
      h("label", { class: "field" }, h("span", { "data-i18n": "gallery.date" }, t("gallery.date")), c.date),
      h("label", { class: "check" }, c.fav, h("span", { "data-i18n": "gallery.favorites" }, t("gallery.favorites")))),
    h("div", { class: "row selection" }, c.selected, c.compare, c.download, c.clear),
    drop, c.empty, c.list);

  let items = [];
  let shown = [];
  let current = null; // the id j / k / f act on
  const selection = new Set();
  const urls = new Map(); // media id -> {url, at}
  const favKey = () => `frameloom.favorites:${session.id}`;
  const favorites = () => new Set(loadJson(favKey(), []));
  const filters = () => ({ q: c.search.value, kind: c.kind.value, engine: c.engine.value || "all", date: c.date.value,
                           fav: c.fav.checked });

  function urlOf(item) {
    const kept = urls.get(item.id);
    if (kept && Date.now() - kept.at < URL_REUSE_MS) return kept.url;
    urls.set(item.id, { url: item.url, at: Date.now() });
    return item.url;
  }

  function showLimits() {
    limits.textContent = t("gallery.limits", { formats: formats.join(" "), max: formatBytes(maxBytes) });
  }

  function fillEngines() {
    const keep = c.engine.value || "all";
    const names = [...new Set(items.map((i) => i.engine).filter(Boolean))].sort();
    c.engine.replaceChildren(h("option", { value: "all", "data-i18n": "gallery.engineAll" }, t("gallery.engineAll")),
                             ...names.map((n) => h("option", { value: n }, n)));
    c.engine.value = names.includes(keep) ? keep : "all";
  }

  // --- one item --------------------------------------------------------------------------------

  function thumb(item, label) {
    const src = urlOf(item);
    if (item.kind === "image") return h("img", { src, alt: label, loading: "lazy", decoding: "async" });
    if (item.kind === "audio") return h("audio", { src, controls: true, preload: "none", "aria-label": label });
    return h("video", { src, controls: true, preload: "metadata", muted: true, playsInline: true, "aria-label": label });
  }

  function metaLine(item) {
    const parts = [t(`kind.${item.source === "export" ? "export" : item.kind}`)];
    if (item.engine) parts.push(item.engine);
    if (item.seed !== undefined && item.seed !== null) parts.push(t("gallery.seed", { seed: item.seed }));
    if (item.width) parts.push(`${item.width}×${item.height}`);
    if (item.duration_ms) parts.push(`${(item.duration_ms / 1000).toFixed(1)} s`);
    if (item.created_at) parts.push(new Date(item.created_at).toLocaleDateString());
    return parts.join(" · ");
  }

  function card(item, favs) {
    const label = labelOf(item, t);
    const fav = favs.has(item.id);
    const li = h("li", { class: "card", tabindex: item.id === current ? "0" : "-1", "aria-label": label,
                         dataset: { id: item.id, kind: item.kind, source: item.source } });
    li.classList.toggle("selected", selection.has(item.id));
    li.append(
      h("figure", {}, thumb(item, label), h("figcaption", {}, h("p", { class: "label" }, label),
        h("p", { class: "meta muted" }, metaLine(item)))),
      h("div", { class: "card-actions" },
        h("button", { type: "button", class: `fav${fav ? " on" : ""}`, "aria-pressed": String(fav), "aria-label": t("gallery.favorite"),
                      title: t("gallery.favorite"), onclick: () => toggleFavorite(item.id) }, fav ? "★" : "☆"),
        h("label", { class: "check" }, h("input", { type: "checkbox", checked: selection.has(item.id),
          onchange: (event) => toggleSelected(item.id, event.target.checked) }), h("span", {}, t("gallery.select"))),
        item.prompt ? h("button", { type: "button", onclick: () => remix(item) }, t("gallery.remix")) : null,
        h("a", { href: urlOf(item), download: item.filename, class: "button" }, t("gallery.download"))));
    li.addEventListener("focus", () => { current = item.id; });
    return li;
  }

  function render() {
    const favs = favorites();
    const focusedId = root.contains(document.activeElement) ? document.activeElement.closest?.("li.card")?.dataset.id : null;
    shown = items.filter((item) => matches(item, filters(), favs, t));
    if (current && !shown.some((i) => i.id === current)) current = null;
    c.list.replaceChildren(...shown.map((item) => card(item, favs)));
    c.empty.textContent = items.length === 0 ? t("gallery.empty") : shown.length === 0 ? t("gallery.noMatch") : "";
    c.empty.hidden = c.empty.textContent === "";
    c.count.textContent = t("gallery.count", { shown: shown.length, total: items.length });
    showSelection();
    if (focusedId && document.activeElement === document.body) c.list.querySelector(`li[data-id="${focusedId}"]`)?.focus();
  }

  // --- favorites, selection, remix, compare, download ------------------------------------------

  function toggleFavorite(id, focus = "button.fav") {
    const favs = favorites();
    if (!favs.delete(id)) favs.add(id);
    saveJson(favKey(), [...favs]);
    render();
    const li = c.list.querySelector(`li[data-id="${id}"]`);
    (focus ? li?.querySelector(focus) : li)?.focus(); // the re-drawn list lost the focus
  }

  function toggleSelected(id, on) {
    if (on) selection.add(id);
    else selection.delete(id);
    c.list.querySelector(`li[data-id="${id}"]`)?.classList.toggle("selected", on);
    showSelection();
  }

  function showSelection() {
    for (const id of selection) if (!items.some((i) => i.id === id)) selection.delete(id);
    c.selected.textContent = t("gallery.selected", { count: selection.size });
    c.compare.disabled = selection.size !== 2;
    c.download.disabled = selection.size === 0;
    c.clear.disabled = selection.size === 0;
  }

  function remix(item) {
    bus.dispatchEvent(new CustomEvent("remix", { detail: { ...item, n: 1 } }));
    toast(t("gallery.remixed"));
  }

  function compare() {
    const pair = items.filter((i) => selection.has(i.id));
    const rows = [["meta.prompt", (i) => i.prompt ?? i.filename], ["meta.kind", (i) => t(`kind.${i.kind}`)],
                  ["meta.engine", (i) => i.engine ?? "–"], ["meta.seed", (i) => i.seed ?? "–"],
                  ["meta.size", (i) => (i.width ? `${i.width}×${i.height}` : "–")], ["meta.style", (i) => i.style ?? "–"],
                  ["meta.date", (i) => (i.created_at ? new Date(i.created_at).toLocaleString() : "–")]];
    const column = (item) => h("figure", { class: "compare-item" }, thumb(item, labelOf(item, t)),
      h("dl", {}, rows.flatMap(([key, get]) => {
        const differs = String(get(pair[0])) !== String(get(pair[1]));
        return [h("dt", {}, t(key)), h("dd", { class: differs ? "differs" : "" }, String(get(item)))];
      })));
    document.getElementById("compare-body").replaceChildren(...pair.map(column));
    document.getElementById("compare-dialog").showModal();
  }

  async function downloadSelected() {
    for (const item of items.filter((i) => selection.has(i.id))) {
      const a = h("a", { href: urlOf(item), download: item.filename, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      await new Promise((resolve) => setTimeout(resolve, 250)); // one download at a time
    }
  }

  // --- upload ----------------------------------------------------------------------------------

  function uploadFailed(error) {
    c.uploadStatus.textContent = "";
    c.uploadError.textContent = error instanceof ApiError ? errorText(error, t) : String(error);
    c.uploadError.hidden = false;
  }

  async function upload(files) {
    c.uploadError.hidden = true;
    const list = [...files];
    if (list.length === 0) return;
    const tooBig = list.find((f) => maxBytes && f.size > maxBytes);
    if (tooBig) { // the server answers 4002 too; refusing here spares sending the bytes
      uploadFailed(new ApiError(4002, "file too large", { max_bytes: maxBytes }, 413));
      return;
    }
    const name = list.map((f) => f.name).join(", ");
    try {
      const out = await api.upload(`/api/upload-video/nemo_agent/me/${session.id}`, list, (fraction) => {
        c.uploadStatus.textContent = t("gallery.uploading", { name, percent: Math.round(fraction * 100) });
      });
      const made = loadJson(madeKey(session.id), {});
      for (const m of out.media) made[m.media_id] = { kind: m.kind, created_at: new Date().toISOString() };
      saveJson(madeKey(session.id), made);
      c.uploadStatus.textContent = t("gallery.uploaded", { count: out.media.length });
      await session.refresh();
    } catch (error) {
      uploadFailed(error);
    }
  }

  c.file.addEventListener("change", () => { upload(c.file.files); c.file.value = ""; });
  for (const name of ["dragenter", "dragover"]) {
    root.addEventListener(name, (event) => { event.preventDefault(); drop.classList.add("over"); });
  }
  root.addEventListener("dragleave", (event) => { if (!root.contains(event.relatedTarget)) drop.classList.remove("over"); });
  root.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    upload(event.dataTransfer?.files ?? []);
  });

  // --- keyboard: j / k / f ---------------------------------------------------------------------

  function move(step) {
    if (shown.length === 0) return;
    const at = shown.findIndex((i) => i.id === current);
    const next = at < 0 ? (step > 0 ? 0 : shown.length - 1) : Math.min(Math.max(at + step, 0), shown.length - 1);
    current = shown[next].id;
    for (const li of c.list.children) li.tabIndex = li.dataset.id === current ? 0 : -1;
    const li = c.list.querySelector(`li[data-id="${current}"]`);
    li?.focus();
    li?.scrollIntoView({ block: "nearest" });
  }

  for (const control of [c.search, c.kind, c.engine, c.date, c.fav]) control.addEventListener("input", render);
  c.compare.addEventListener("click", compare);
  c.download.addEventListener("click", downloadSelected);
  c.clear.addEventListener("click", () => { selection.clear(); render(); });
  bus.addEventListener("state", (event) => {
    items = itemsOf(event.detail, loadJson(madeKey(session.id), {}));
    fillEngines();
    render();
  });
  bus.addEventListener("lang", () => { showLimits(); render(); });
  showLimits();
  render();
  return {
    next: () => move(1),
    previous: () => move(-1),
    favorite: () => { if (current) toggleFavorite(current, null); },
  };
}
