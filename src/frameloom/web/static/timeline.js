// The timeline: the draft's tracks and segments drawn to scale, the summary line, a preview,
// Undo and Redo through the draft's versions, export with a progress bar and the finished file
// playing in the page, and the queue of running work. Re-drawn on every "state" event.

import { SKILL_HEADERS } from "./api.js";
import { errorText, h, typing } from "./ui.js";
import { linkStyles } from "./chat.js";
import { mountQueue } from "./queue.js";

const TRACK_KIND = { 0: "video", 1: "audio", 7: "text" };
const FORMATS = ["mp4", "webm", "mov", "mkv", "avi", "gif", "webp", "jpg", "png", "mp3", "wav", "m4a", "aac"];
const PLAYABLE = { video: ["mp4", "webm", "mov"], image: ["gif", "webp", "jpg", "png"], audio: ["mp3", "wav", "m4a", "aac"] };
const SHORT_SIDES = [1080, 720, 480];

/** Seconds as "1.5s" (ms in). */
function seconds(ms) {
  return `${Math.round(ms / 100) / 10}s`;
}

/** The draft's length in ms: its ``d``, or where its last segment ends. */
function lengthOf(draft) {
  const ends = (draft.t || []).flatMap((track) => (track.sg || []).map((seg) => seg.s + seg.d));
  return Math.max(draft.d || 0, ...ends, 0);
}

/** What a segment is called on the timeline: its label, its text, its source. */
function segmentName(seg) {
  const m = seg.m || {};
  return m.label || m.text || m.name || m.src || seg.id;
}

/** The media (kind, url) a segment's ``src`` names: a media id, or a generation's first image. */
function mediaOf(state, src) {
  const media = state.media || [];
  const direct = media.find((m) => m.media_id === src);
  if (direct) return direct;
  const gen = (state.generations || []).find((g) => g.generation_id === src);
  return gen ? media.find((m) => m.media_id === gen.media_ids[0]) || null : null;
}

/** Width and height for an export whose short side is ``short`` px, keeping the draft's aspect (even). */
function sizeFor(draft, short) {
  const { w = 1920, h: height = 1080 } = draft.m || {};
  const scale = short / Math.min(w, height);
  const even = (n) => Math.max(16, 2 * Math.round((n * scale) / 2));
  return { width: even(w), height: even(height) };
}

/** Mount the timeline into ``el``; ``ctx`` is ``{api, t, session, bus}``. Resolves once the draft is drawn. */
export async function mountTimeline(el, ctx) {
  const { t, bus } = ctx;
  linkStyles();
  const base = () => `/api/state/nemo_agent/me/${encodeURIComponent(ctx.session.id)}`;
  const title = h("h2", { id: "timeline-title" });
  const summary = h("p", { class: "tl-summary", "aria-live": "polite" });
  const preview = h("figure", { class: "tl-preview" });
  const tracks = h("div", { class: "tl-tracks", role: "list" });
  const undo = h("button", { type: "button", disabled: true });
  const redo = h("button", { type: "button", disabled: true });
  const status = h("p", { class: "tl-status", role: "status" });
  const exporter = mountExport(ctx);
  const queue = h("div", { class: "queue" });
  el.setAttribute("aria-labelledby", "timeline-title");
  el.replaceChildren(title, summary, h("div", { class: "tl-main" }, preview, tracks),
    h("div", { class: "tl-actions" }, undo, redo, status), exporter.node, queue);
  mountQueue(queue, ctx);

  let state = null;
  let previewKey = null;
  let asked = 0; // the newest versions request: an older answer arriving late is dropped

  const relabel = () => {
    title.textContent = t("timeline.title");
    preview.setAttribute("aria-label", t("timeline.preview"));
    tracks.setAttribute("aria-label", t("timeline.tracks"));
    undo.replaceChildren("↶ ", t("timeline.undo"));
    undo.setAttribute("aria-label", t("timeline.undo"));
    undo.title = `${t("timeline.undo")} (Ctrl+Z)`;
    redo.replaceChildren("↷ ", t("timeline.redo"));
    redo.setAttribute("aria-label", t("timeline.redo"));
    redo.title = `${t("timeline.redo")} (Ctrl+Shift+Z)`;
  };

  /** Undo and Redo enabled as the current version allows (its ``undo_to`` / ``redo_to``). */
  const history = async () => {
    const mine = ++asked;
    try {
      const { versions = [] } = await ctx.api.get(`${base()}/versions`);
      if (mine !== asked) return;
      const current = versions.find((v) => v.current);
      undo.disabled = current?.undo_to == null;
      redo.disabled = current?.redo_to == null;
    } catch { /* the buttons stay as they were; the next state asks again */ }
  };

  const draw = (next) => {
    state = next;
    const draft = state.draft || { t: [] };
    summary.textContent = state.summary || "";
    drawTracks(tracks, draft, t);
    previewKey = drawPreview(preview, state, draft, previewKey);
    exporter.setDraft(draft);
    history();
  };

  const step = async (action) => {
    if ((action === "undo" ? undo : redo).disabled) return;
    undo.disabled = redo.disabled = true;
    try {
      const change = await ctx.api.post(`${base()}/${action}`, {});
      undo.disabled = !change.can_undo;
      redo.disabled = !change.can_redo;
      const label = String(change.label || "").replace(/^(undo|redo) /, ""); // the server's label repeats the action
      status.textContent = t(action === "undo" ? "timeline.undone" : "timeline.redone", { label });
      await ctx.session.refresh(); // announces the new state ("state"): every panel redraws
    } catch (err) {
      status.textContent = errorText(err, t);
      history();
    }
  };

  undo.addEventListener("click", () => step("undo"));
  redo.addEventListener("click", () => step("redo"));
  document.addEventListener("keydown", (e) => {
    if (typing(e.target) || !(e.ctrlKey || e.metaKey) || e.altKey || document.querySelector("dialog[open]")) return;
    const key = e.key.toLowerCase();
    if (key === "z" && !e.shiftKey) { e.preventDefault(); step("undo"); }
    else if ((key === "z" && e.shiftKey) || key === "y") { e.preventDefault(); step("redo"); }
  });
  bus.addEventListener("state", (e) => { if (e.detail) draw(e.detail); });
  bus.addEventListener("lang", () => {
    relabel();
    exporter.relabel();
    previewKey = null;
    if (state) draw(state);
  });

  relabel();
  try {
    draw(await ctx.api.get(`${base()}/latest`));
  } catch (err) {
    summary.textContent = errorText(err, t);
  }
}

/** The tracks as rows of a to-scale lane: a segment's left and width are its start and length. */
function drawTracks(tracks, draft, t) {
  const total = lengthOf(draft);
  const rows = (draft.t || []).map((track) => {
    const kind = TRACK_KIND[track.tt] || "other";
    const name = (track.m && track.m.name) || t(`timeline.track.${track.tt}`);
    const lane = h("div", { class: "tl-lane" });
    for (const seg of track.sg || []) {
      const label = segmentName(seg);
      const spoken = t("timeline.segment", { name: label, start: seconds(seg.s), end: seconds(seg.s + seg.d) });
      const volume = kind === "audio" && typeof seg.m?.volume === "number" ? ` ${Math.round(seg.m.volume * 100)}%` : "";
      lane.append(h("div", {
        class: `tl-seg tl-${kind}`, title: spoken, "aria-label": spoken, dataset: { segment: seg.id },
        style: `left:${(100 * seg.s) / total}%;width:${(100 * seg.d) / total}%`,
      }, h("span", {}, `${label}${volume}`)));
    }
    return h("div", { class: `tl-track tl-track-${kind}`, role: "listitem", dataset: { track: track.id, kind } },
      h("span", { class: "tl-name" }, name), lane);
  });
  if (!rows.length) {
    tracks.replaceChildren(h("p", { class: "tl-empty" }, t("timeline.empty")));
    return;
  }
  tracks.replaceChildren(drawRuler(total), ...rows);
}

/** Second marks under the lanes (about six of them whatever the length). */
function drawRuler(total) {
  const stepS = [1, 2, 5, 10, 15, 30, 60, 120].find((s) => total / (s * 1000) <= 8) || 300;
  const marks = [];
  for (let ms = 0; ms <= total; ms += stepS * 1000) {
    const end = ms > 0 && ms / total > 0.9; // drawn leftwards of its line, inside the lane
    marks.push(h("span", { class: end ? "tl-tick tl-tick-end" : "tl-tick", style: `left:${(100 * ms) / total}%` }, seconds(ms)));
  }
  return h("div", { class: "tl-ruler", "aria-hidden": "true" }, h("span", { class: "tl-name" }), h("div", { class: "tl-lane" }, ...marks));
}

/** The first video or image segment's media as the preview (a video shows its first frame), the
 * first title over it. Redrawn only when the media changes (links are re-signed on every state). */
function drawPreview(preview, state, draft, previousKey) {
  const visual = (draft.t || []).filter((tr) => tr.tt === 0).flatMap((tr) => tr.sg || []).sort((a, b) => a.s - b.s)[0];
  const title = (draft.t || []).filter((tr) => tr.tt === 7).flatMap((tr) => tr.sg || []).sort((a, b) => a.s - b.s)[0];
  const media = visual ? mediaOf(state, visual.m?.src) : null;
  const { w = 16, h: height = 9 } = draft.m || {};
  const key = JSON.stringify([media && media.media_id, title && title.m?.text, title && title.m?.pos, w, height]);
  if (key === previousKey) return key;
  const children = [];
  if (media && media.kind === "video") {
    children.push(h("video", { src: `${media.url}#t=0.1`, preload: "metadata", muted: true, playsinline: true, "aria-label": segmentName(visual) }));
  } else if (media && media.kind === "image") {
    children.push(h("img", { src: media.url, alt: segmentName(visual) }));
  }
  if (title && title.m?.text) {
    const pos = typeof title.m.pos === "string" ? title.m.pos : "center";
    children.push(h("span", { class: `tl-overlay tl-overlay-${pos}` }, title.m.text));
  }
  preview.replaceChildren(...children);
  preview.style.aspectRatio = `${w} / ${height}`;
  preview.hidden = children.length === 0;
  return key;
}

/** The export form: format, size, "Export"; the progress from the queue's polls; the file in the page. */
function mountExport(ctx) {
  const { t, bus } = ctx;
  const format = h("select", { id: "export-format" }, ...FORMATS.map((f) => h("option", { value: f }, f.toUpperCase())));
  const size = h("select", { id: "export-size" });
  const formatLabel = h("label", { for: "export-format" });
  const sizeLabel = h("label", { for: "export-size" });
  const button = h("button", { type: "submit", class: "primary", disabled: true });
  const heading = h("h3", { id: "export-title" });
  const bar = h("progress", { max: "1", value: "0", hidden: true });
  const note = h("p", { class: "export-note", role: "status" });
  const output = h("div", { class: "export-result" });
  const form = h("form", { class: "export", "aria-labelledby": "export-title" }, heading,
    h("div", { class: "row export-controls" }, h("div", { class: "field" }, formatLabel, format),
      h("div", { class: "field" }, sizeLabel, size), button), bar, note, output);
  const relabel = () => {
    heading.textContent = t("export.title");
    formatLabel.textContent = t("export.format");
    sizeLabel.textContent = t("export.size");
    button.textContent = t("export.button");
    bar.setAttribute("aria-label", t("export.title"));
    if (draft) setDraft(draft);
  };

  let draft = null;
  let running = null; // render id of the export this form follows

  const setDraft = (next) => {
    draft = next;
    const chosen = size.value;
    const { w = 1920, h: height = 1080 } = draft.m || {};
    size.replaceChildren(h("option", { value: "" }, t("export.size.draft", { w, h: height })),
      ...SHORT_SIDES.filter((p) => p < Math.min(w, height)).map((p) => h("option", { value: String(p) }, t("export.size.short", { p }))));
    size.value = [...size.options].some((o) => o.value === chosen) ? chosen : "";
    const empty = !(draft.t || []).some((tr) => (tr.sg || []).length);
    button.disabled = empty || running !== null;
    if (empty && running === null) note.textContent = t("export.empty");
    else if (note.textContent === t("export.empty")) note.textContent = "";
  };

  const finished = (view) => {
    running = null;
    bar.hidden = true;
    button.disabled = false;
    if (view.status === "completed") {
      note.textContent = t("export.done", { format: (view.format || "").toUpperCase(), size: `${view.width}×${view.height}` });
      output.replaceChildren(...resultView(view, t));
    } else if (view.status === "cancelled") {
      note.textContent = t("export.cancelled");
    } else {
      note.textContent = t("export.failed", { message: view.error || view.status });
    }
  };

  bus.addEventListener("job-update", (e) => {
    const { id, view } = e.detail || {};
    if (id !== running || !view) return;
    const percent = Math.round((Number(view.progress) || 0) * 100);
    bar.value = Number(view.progress) || 0;
    note.textContent = view.status === "queued" ? t("export.queued") : t("export.rendering", { percent });
    if (["completed", "failed", "cancelled"].includes(view.status)) finished(view);
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!draft || running !== null) return;
    button.disabled = true;
    output.replaceChildren();
    const body = { session_id: ctx.session.id, format: format.value };
    if (size.value) Object.assign(body, sizeFor(draft, Number(size.value)));
    try {
      const view = await ctx.api.post("/api/render/proxy/lambda", body, { headers: SKILL_HEADERS });
      running = view.render_id;
      bar.hidden = false;
      bar.value = 0;
      note.textContent = t("export.queued");
      bus.dispatchEvent(new CustomEvent("job", { detail: { id: view.render_id, kind: "export", label: format.value } }));
    } catch (err) {
      button.disabled = false;
      note.textContent = err.code === 402 ? t("chat.error.402") : t("export.failed", { message: errorText(err, t) });
    }
  });

  relabel();
  return { node: form, setDraft, relabel };
}

/** The finished file in the page (a player for what browsers play) and its download link. */
function resultView(view, t) {
  const fmt = (view.format || "").toLowerCase();
  const nodes = [];
  if (PLAYABLE.video.includes(fmt)) nodes.push(h("video", { src: view.url, controls: true, preload: "auto", playsinline: true, "aria-label": t("export.title") }));
  else if (PLAYABLE.image.includes(fmt)) nodes.push(h("img", { src: view.url, alt: t("export.title") }));
  else if (PLAYABLE.audio.includes(fmt)) nodes.push(h("audio", { src: view.url, controls: true, "aria-label": t("export.title") }));
  nodes.push(h("a", { href: view.url, download: `frameloom.${fmt || "bin"}`, class: "download" }, t("export.download", { format: fmt.toUpperCase() })));
  return nodes;
}
