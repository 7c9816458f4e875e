// The queue: the session's running jobs and exports, each with its progress and a Cancel button.
//
// The one poller of running work. Anyone puts a job in it by dispatching on ctx.bus
//   new CustomEvent("job", {detail: {id, kind: "export" | "image" | "video", label}})
// (exports running in another tab or started by the chat come in from the "state" event's renders).
// Each poll is announced as "job-update" (detail: {id, kind, label, view}, view = the poll's data);
// when a job ends the session is refreshed and "state" dispatched.

import { h } from "./ui.js";

const POLL_MS = 600;
const FINAL = new Set(["completed", "failed", "cancelled"]);

/** The poll and cancel path of a job of ``kind``. */
export function jobPath(kind, id) {
  const key = encodeURIComponent(id);
  return kind === "export" ? `/api/render/proxy/lambda/${key}` : `/api/jobs/${key}`;
}

/** Mount the queue into ``el``; ``ctx`` is ``{api, t, session, bus}``. */
export function mountQueue(el, ctx) {
  const { t, bus } = ctx;
  const items = new Map(); // id -> {id, kind, label, view, row, bar, timer}
  const title = h("h3", { id: "queue-title" });
  const list = h("ul", { class: "queue-list", "aria-labelledby": "queue-title" });
  const empty = h("p", { class: "queue-empty" });
  el.replaceChildren(title, empty, list);
  const relabel = () => {
    title.textContent = t("queue.title");
    empty.textContent = t("queue.empty");
  };

  const labelOf = (item) => {
    if (item.kind === "export") return t("queue.export", { format: item.label || "mp4" });
    if (item.kind === "image" || item.kind === "video") return t(`queue.${item.kind}`, { label: item.label || item.id });
    return t("queue.job", { label: item.label || item.id });
  };

  const draw = () => {
    empty.hidden = items.size > 0;
    list.hidden = items.size === 0;
  };

  const remove = (item) => {
    clearTimeout(item.timer);
    item.row.remove();
    items.delete(item.id);
    draw();
  };

  const show = (item) => {
    const view = item.view || {};
    const fraction = Math.max(0, Math.min(1, Number(view.progress) || 0));
    item.bar.value = fraction;
    item.bar.setAttribute("aria-label", `${labelOf(item)} ${Math.round(fraction * 100)}%`);
    item.status.textContent = `${Math.round(fraction * 100)}%`;
  };

  const ended = async (item) => {
    remove(item);
    try {
      const state = await ctx.session.refresh();
      bus.dispatchEvent(new CustomEvent("state", { detail: state }));
    } catch { /* the next change refreshes it */ }
  };

  const poll = async (item) => {
    try {
      item.view = await ctx.api.get(jobPath(item.kind, item.id));
    } catch (err) {
      item.view = { status: "failed", progress: 0, error: err.message || String(err) };
    }
    if (!items.has(item.id)) return; // cancelled and removed meanwhile
    show(item);
    bus.dispatchEvent(new CustomEvent("job-update", { detail: { id: item.id, kind: item.kind, label: item.label, view: item.view } }));
    if (FINAL.has(item.view.status)) await ended(item);
    else item.timer = setTimeout(() => poll(item), POLL_MS);
  };

  const cancel = async (item) => {
    item.cancel.disabled = true;
    try {
      item.view = await ctx.api.del(jobPath(item.kind, item.id));
    } catch (err) {
      item.view = { status: "failed", progress: 0, error: err.message || String(err) };
    }
    clearTimeout(item.timer);
    bus.dispatchEvent(new CustomEvent("job-update", { detail: { id: item.id, kind: item.kind, label: item.label, view: item.view } }));
    if (FINAL.has(item.view.status)) await ended(item);
    else item.timer = setTimeout(() => poll(item), POLL_MS);
  };

  const add = ({ id, kind, label, view }) => {
    if (!id || items.has(id)) return;
    const item = { id, kind, label, view: view || null };
    const name = labelOf(item);
    item.bar = h("progress", { max: "1", value: "0" });
    item.status = h("span", { class: "queue-status" });
    item.cancel = h("button", { type: "button", class: "cancel", "aria-label": t("queue.cancel_item", { label: name }),
      onclick: () => cancel(item) }, t("queue.cancel"));
    item.row = h("li", { class: "queue-item", dataset: { job: id, kind } },
      h("span", { class: "queue-label" }, name), item.bar, item.status, item.cancel);
    items.set(id, item);
    list.append(item.row);
    draw();
    show(item);
    poll(item);
  };

  bus.addEventListener("job", (e) => add(e.detail || {}));
  bus.addEventListener("state", (e) => {
    for (const render of (e.detail && e.detail.renders) || []) {
      if (!FINAL.has(render.status)) add({ id: render.render_id, kind: "export", label: render.format, view: render });
    }
  });
  bus.addEventListener("lang", relabel);
  relabel();
  draw();
  return { add };
}
