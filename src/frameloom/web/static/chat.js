// The chat panel: a message box, the agent's replies streamed from /run_sse (a fetch-based reader,
// since EventSource cannot POST), tool activity as friendly steps with progress, errors in plain
// words, and the conversation restored from the session's stored events on reload.

import { errorText, h } from "./ui.js";

const GENERATORS = new Set(["generate_image", "generate_video", "vary"]);
const MAX_REATTACH = 20; // a turn outlives one 15-minute stream only a few times; this bounds a loop

/** chat.css (the chat's, the timeline's and the queue's styles), linked once; index.html may link it
 * itself, and then this does nothing. */
export function linkStyles() {
  if (document.querySelector('link[href="/static/chat.css"]')) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/static/chat.css" }));
}

/** The parts of an event's content, or none. */
function partsOf(event) {
  return (event.content && event.content.parts) || [];
}

/** One agent turn in the log: its texts and steps (tool calls) in the order they came, fed event by
 * event; consecutive steps share one list. */
class TurnView {
  constructor(t, log, bus) {
    this.t = t;
    this.bus = bus;
    this.log = log;
    this.steps = new Map(); // call id -> {node, name, bar}
    this.current = null; // the step progress events belong to
    this.pending = null; // the paragraph partial deltas are appended to
    this.body = h("div", { class: "turn" });
    this.node = h("li", { class: "msg agent", "aria-busy": "true" }, h("span", { class: "who" }, t("chat.agent")), this.body);
    log.append(this.node);
  }

  /** Show one ADK event; ``live`` events also move progress bars. Returns the re-attach hint of a
   * capped stream, if the event is one. */
  event(event, live = true) {
    const follow = this.atBottom();
    let reattach = null;
    if (event.errorCode) {
      this.error(event.errorCode, event.errorMessage, event.customMetadata || {}, live);
    } else {
      for (const part of partsOf(event)) {
        if (typeof part.text === "string") this.text(part.text, Boolean(event.partial));
        else if (part.functionCall) this.call(part.functionCall);
        else if (part.functionResponse) this.response(part.functionResponse);
      }
      const meta = event.customMetadata || {};
      if (live && typeof meta.stage === "string") this.progress(meta.stage, Number(meta.progress) || 0);
      if (meta.stream === "capped" && meta.reattach) reattach = meta.reattach;
    }
    if (follow) this.scroll();
    return reattach;
  }

  /** Whether the log shows its end (then new lines keep it there; someone reading above is left be). */
  atBottom() {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 48;
  }

  scroll() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  text(text, partial) {
    if (partial) {
      if (!this.pending) this.pending = this.body.appendChild(h("p", { class: "text streaming" }));
      this.pending.textContent += text;
    } else if (this.pending) { // the whole text replaces its deltas (ADK's rule)
      this.pending.textContent = text;
      this.pending.classList.remove("streaming");
      this.pending = null;
    } else {
      this.body.append(h("p", { class: "text" }, text));
    }
  }

  call({ id, name, args }) {
    const t = this.t;
    const label = h("span", { class: "step-label" }, t(`step.${name}`) === `step.${name}` ? t("step.other") : t(`step.${name}`));
    const node = h("li", { class: "step running" }, label);
    const last = this.body.lastElementChild;
    const list = last && last.matches("ol.steps") ? last : this.body.appendChild(h("ol", { class: "steps" }));
    list.append(node);
    const step = { node, label, name, args: args || {}, bar: null };
    this.steps.set(id, step);
    this.current = step;
  }

  progress(stage, fraction) {
    let step = this.current;
    if (!step) {
      this.call({ id: `progress-${this.steps.size}`, name: "other", args: {} });
      step = this.current;
    }
    const t = this.t;
    const stageName = t(`chat.stage.${stage}`) === `chat.stage.${stage}` ? stage : t(`chat.stage.${stage}`);
    if (!step.bar) {
      step.stage = h("span", { class: "stage" });
      step.bar = h("progress", { max: "1", value: "0" });
      step.node.append(step.stage, step.bar);
    }
    const percent = Math.round(fraction * 100);
    step.stage.textContent = `${stageName} ${percent}%`;
    step.bar.value = fraction;
    step.bar.setAttribute("aria-label", `${stageName} ${percent}%`);
  }

  response({ id, name, response }) {
    const step = this.steps.get(id);
    if (!step) return;
    const t = this.t;
    const done = `step.${name}.done`;
    step.label.textContent = t(done) === done ? t("step.other.done") : t(done);
    step.node.classList.replace("running", "done");
    step.bar?.remove();
    step.stage?.remove();
    if (this.current === step) this.current = null;
    const link = response && Array.isArray(response.links) ? response.links[0] : null;
    if (link && GENERATORS.has(name)) step.node.append(this.result(name, link, step.args));
  }

  /** A small view of what a generation made: a thumbnail of an image, an "Open" link to a video. */
  result(name, url, args) {
    const prompt = typeof args.prompt === "string" && !args.prompt.startsWith("@") ? args.prompt : this.t(`step.${name}.done`);
    if (name === "generate_video") {
      return h("a", { class: "result", href: url, target: "_blank", rel: "noopener" }, this.t("chat.open"));
    }
    const follow = this.atBottom();
    return h("img", { class: "result thumb", src: url, alt: prompt, onload: () => { if (follow) this.scroll(); } });
  }

  /** An error event or answer in plain words (the page's one phrasing of each code): 2001 with the
   * registration link (also shown in the header when ``live``), 402 with its advice. ``code`` is a
   * number or ADK's string. */
  error(code, message, data, live = true) {
    const t = this.t;
    const number = Number(code);
    const line = h("p", { class: "text error", role: live ? "alert" : null },
      number === 0 ? message : number === 402 ? t("chat.error.402") : errorText({ code: number, message, data }, t));
    if (number === 2001 && data.register_url) {
      line.append(" ", h("a", { href: data.register_url, class: "register" }, t("error.2001.register")));
      if (live) this.bus.dispatchEvent(new CustomEvent("credits-out", { detail: data.register_url }));
    }
    this.finishSteps();
    this.body.append(line);
  }

  /** The turn has ended: steps still running stop showing progress. */
  finishSteps() {
    this.node.setAttribute("aria-busy", "false");
    for (const step of this.steps.values()) {
      step.bar?.remove();
      step.stage?.remove();
      step.node.classList.remove("running");
    }
    this.current = null;
  }
}

/** Mount the chat panel into ``el``; ``ctx`` is ``{api, t, session, bus}`` (see app.js). Resolves once
 * the stored conversation is shown (a turn still running is then followed live). */
export async function mountChat(el, ctx) {
  const { t, bus } = ctx;
  linkStyles();
  const title = h("h2", { id: "chat-title" });
  const log = h("ol", { class: "chat-log", role: "log", "aria-live": "polite" });
  const empty = h("p", { class: "chat-empty" });
  const label = h("label", { for: "chat-message", class: "visually-hidden" });
  const input = h("textarea", { id: "chat-message", name: "message", rows: "2", maxlength: "4000" });
  const send = h("button", { type: "submit", class: "primary" });
  const form = h("form", { class: "chat-form" }, label, input, send);
  el.setAttribute("aria-labelledby", "chat-title");
  el.replaceChildren(title, empty, log, form);
  const relabel = () => {
    title.textContent = t("chat.title");
    log.setAttribute("aria-label", t("chat.title"));
    empty.textContent = t("chat.empty");
    label.textContent = t("chat.message");
    input.setAttribute("aria-label", t("chat.message"));
    input.placeholder = t("chat.placeholder");
    send.textContent = t("chat.send");
  };
  relabel();

  let busy = false;
  let shown = null; // the session whose conversation the log holds
  const setBusy = (value) => {
    busy = value;
    send.disabled = value;
    el.setAttribute("aria-busy", value ? "true" : "false");
  };
  const userLine = (text) => {
    empty.hidden = true;
    log.append(h("li", { class: "msg user" }, h("span", { class: "who" }, t("chat.you")), h("p", { class: "text" }, text)));
    log.scrollTop = log.scrollHeight;
  };
  const newTurn = () => new TurnView(t, log, bus);

  /** Follow one turn's stream (a new message, or a re-attach) to its end, then refresh the state. */
  const follow = async (body, view) => {
    setBusy(true);
    try {
      for (let hops = 0; hops < MAX_REATTACH && body; hops += 1) {
        let reattach = null;
        let lastId = null;
        await ctx.api.stream("/run_sse", body, (event) => {
          lastId = event.id || lastId;
          reattach = view.event(event) || reattach;
        });
        body = reattach ? { session_id: ctx.session.id, invocation_id: reattach.invocationId,
          after: reattach.after || lastId } : null;
      }
    } catch (err) {
      if (err && err.status === 0) view.error(0, t("chat.error.network"), {});
      else view.error(err?.code ?? 500, err?.message ?? String(err), err?.data || {});
    } finally {
      view.finishSteps();
      setBusy(false);
      // the new state for every panel: refresh() announces it as "state" (and the header its balance)
      await ctx.session.refresh().catch(() => {});
    }
  };

  const submit = async () => {
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    userLine(text);
    await follow({ session_id: ctx.session.id, new_message: { role: "user", parts: [{ text }] }, streaming: true },
      newTurn());
    input.focus();
  };

  const load = async () => {
    shown = ctx.session.id;
    log.replaceChildren();
    empty.hidden = false;
    try {
      const running = await restore(ctx, userLine, newTurn);
      if (running) follow(running.body, running.view);
    } catch (err) {
      log.append(h("li", { class: "msg agent" }, h("p", { class: "text error", role: "alert" },
        t("chat.restore_failed", { message: err.message || String(err) }))));
    }
  };

  form.addEventListener("submit", (e) => { e.preventDefault(); submit(); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.metaKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  bus.addEventListener("lang", relabel);
  bus.addEventListener("state", () => { if (!busy && ctx.session.id !== shown) load(); }); // signed in elsewhere
  await load();
}

/** Replay the session's stored events (ADK's session route answers a Session, not an envelope).
 * Returns the turn still running, if any, as ``{view, body}`` to re-attach with. */
async function restore(ctx, userLine, newTurn) {
  const response = await fetch(`/apps/nemo_agent/users/me/sessions/${encodeURIComponent(ctx.session.id)}`, {
    headers: { Authorization: `Bearer ${ctx.session.token}` },
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `HTTP ${response.status}`);
  }
  const { events = [] } = await response.json();
  let view = null;
  let open = null; // {invocationId, lastId} of a turn with no end yet
  for (const event of events) {
    if (event.partial) continue; // the whole text follows its deltas
    if (event.author === "user") {
      userLine(partsOf(event).map((p) => p.text || "").join(""));
      view = newTurn();
      open = { invocationId: event.invocationId, lastId: event.id };
      continue;
    }
    if (!view) view = newTurn();
    view.event(event, false);
    open = event.turnComplete || event.errorCode ? null : { invocationId: event.invocationId, lastId: event.id };
  }
  if (!open || !view) {
    view?.finishSteps();
    return null;
  }
  return { view, body: { session_id: ctx.session.id, invocation_id: open.invocationId, after: open.lastId } };
}
