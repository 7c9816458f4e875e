// Make: a prompt and its settings → an image or video job; each job shows a
// progress bar and its stage while it is polled, then a done notification.
// Returns {generate(), cancel(), fill(meta)} for the shortcuts and "remix".
import { ApiError } from "./api.js";
import { errorText, h, loadJson, madeKey, saveJson, toast } from "./ui.js";

const ASPECTS = ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9"];
const ASPECT_SIZES = { "16:9": [1920, 1080], "9:16": [1080, 1920], "1:1": [1080, 1080], "4:3": [1440, 1080],
                       "3:4": [1080, 1440], "21:9": [2048, 880] };
const MUSIC = ["lofi", "ambient", "upbeat", "cinematic"];
const VIDEO_ENGINE = "compose"; // the one engine that makes video (POST /api/jobs/video)
const HISTORY_KEY = "frameloom.history";
const HISTORY_MAX = 30;
const FINAL = ["completed", "failed", "cancelled"];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function field(labelKey, control, t, extraClass = "") {
  return h("label", { class: `field ${extraClass}` }, h("span", { "data-i18n": labelKey }, t(labelKey)), control);
}

function option(value, text, i18n = null) {
  return h("option", { value, "data-i18n": i18n }, text);
}

/** The aspect whose preset has the ratio of width x height, or null. */
export function aspectOf(width, height) {
  return ASPECTS.find((name) => {
    const [w, h2] = ASPECT_SIZES[name];
    return Math.abs(w / h2 - width / height) < 0.01;
  }) ?? null;
}

export function mountMake(root, ctx) {
  const { api, t, session, bus } = ctx;
  const c = {
    image: h("input", { type: "radio", name: "mode", value: "image", checked: true }),
    video: h("input", { type: "radio", name: "mode", value: "video" }),
    prompt: h("textarea", { id: "prompt", name: "prompt", rows: "3", maxlength: "4000", required: true,
                            "data-i18n-placeholder": "make.promptHint", placeholder: t("make.promptHint") }),
    aspect: h("select", { name: "aspect" }, ASPECTS.map((a) => option(a, a))),
    count: h("select", { name: "n" }, [1, 2, 3, 4].map((n) => option(String(n), String(n)))),
    style: h("select", { name: "style" }, option("", t("make.styleNone"), "make.styleNone")),
    seed: h("input", { type: "number", name: "seed", min: "0", step: "1", inputmode: "numeric",
                       "data-i18n-placeholder": "make.seedHint", placeholder: t("make.seedHint") }),
    engine: h("select", { name: "engine" }),
    seconds: h("input", { type: "number", name: "seconds", min: "1", max: "300", step: "1", value: "8" }),
    title: h("input", { type: "text", name: "title", maxlength: "200" }),
    music: h("select", { name: "music" }, option("", t("make.musicNone"), "make.musicNone"), MUSIC.map((m) => option(m, m))),
    generate: h("button", { type: "submit", class: "primary", "data-i18n": "make.generate" }, t("make.generate")),
    cancel: h("button", { type: "button", hidden: true, "data-i18n": "make.cancel" }, t("make.cancel")),
    error: h("p", { class: "error", role: "alert", hidden: true }),
    history: h("ul", { class: "history" }),
    jobs: h("ul", { class: "jobs", "aria-labelledby": "make-results" }),
  };
  const videoOnly = h("div", { class: "row video-only", hidden: true },
    field("make.seconds", c.seconds, t), field("make.videoTitle", c.title, t, "grow"), field("make.music", c.music, t));
  const countField = field("make.count", c.count, t);
  const form = h("form", { class: "make-form", "aria-labelledby": "make-title" },
    h("fieldset", { class: "mode" }, h("legend", { "data-i18n": "make.mode" }, t("make.mode")),
      h("label", {}, c.image, h("span", { "data-i18n": "make.image" }, t("make.image"))),
      h("label", {}, c.video, h("span", { "data-i18n": "make.video" }, t("make.video")))),
    field("make.prompt", c.prompt, t, "prompt"),
    h("div", { class: "row" }, field("make.aspect", c.aspect, t), countField, field("make.style", c.style, t),
      field("make.seed", c.seed, t), field("make.engine", c.engine, t)),
    videoOnly,
    h("div", { class: "row actions" }, c.generate, c.cancel),
    c.error);
  root.append(
    h("h2", { id: "make-title", "data-i18n": "make.title" }, t("make.title")),
    form,
    h("details", { class: "history-box" }, h("summary", { "data-i18n": "make.history" }, t("make.history")), c.history),
    h("h3", { id: "make-results", class: "sub", "data-i18n": "make.results" }, t("make.results")),
    c.jobs);

  let engines = [];
  const running = new Map(); // job id -> entry, while polled
  const entries = []; // every job shown, to re-label them when the language changes
  const mode = () => (c.video.checked ? "video" : "image");

  // --- engines and styles ----------------------------------------------------------------------

  function fillStyles() {
    const name = mode() === "video" ? VIDEO_ENGINE : c.engine.value;
    const styles = engines.find((e) => e.name === name)?.capabilities?.styles ?? [];
    const keep = c.style.value;
    c.style.replaceChildren(option("", t("make.styleNone"), "make.styleNone"), ...styles.map((s) => option(s, s.replaceAll("_", " "))));
    if (styles.includes(keep)) c.style.value = keep;
  }

  async function loadEngines() {
    try {
      const list = await api.get("/api/engines");
      engines = list.engines.filter((e) => e.available);
      c.engine.replaceChildren(...engines.map((e) => option(e.name, e.name)));
      c.engine.value = list.default;
      fillStyles();
    } catch (error) {
      showError(error);
    }
  }

  function applyMode() {
    const video = mode() === "video";
    videoOnly.hidden = !video;
    countField.hidden = video;
    c.engine.disabled = video;
    if (video) c.engine.value = VIDEO_ENGINE;
    fillStyles();
  }

  c.image.addEventListener("change", applyMode);
  c.video.addEventListener("change", applyMode);
  c.engine.addEventListener("change", fillStyles);

  // --- prompt history --------------------------------------------------------------------------

  function remember(prompt) {
    const list = loadJson(HISTORY_KEY, []).filter((p) => p !== prompt);
    saveJson(HISTORY_KEY, [prompt, ...list].slice(0, HISTORY_MAX));
    showHistory();
  }

  function showHistory(state = null) {
    const fromState = (state?.generations ?? []).map((g) => g.prompt).reverse();
    const prompts = [...new Set([...loadJson(HISTORY_KEY, []), ...fromState])].slice(0, HISTORY_MAX);
    c.history.replaceChildren(...(prompts.length ? prompts.map((prompt) => h("li", {},
      h("button", { type: "button", class: "link", "aria-label": t("make.reuse", { prompt }),
                    onclick: () => { c.prompt.value = prompt; c.prompt.focus(); } }, prompt)))
      : [h("li", { class: "muted" }, t("make.historyEmpty"))]));
  }

  // --- jobs ------------------------------------------------------------------------------------

  function showError(error) {
    c.error.textContent = error instanceof ApiError ? errorText(error, t) : String(error);
    c.error.hidden = false;
    if (error instanceof ApiError && error.code === 2001) {
      const url = error.data?.register_url;
      if (url) bus.dispatchEvent(new CustomEvent("credits-out", { detail: url }));
    }
  }

  function jobEntry(id, prompt) {
    const bar = h("progress", { max: "1", value: "0", "aria-label": t("make.progress", { prompt }) });
    const stage = h("span", { class: "stage" }, t("stage.queued"));
    const thumbs = h("div", { class: "thumbs" });
    const li = h("li", { class: "job", dataset: { job: id } },
      h("p", { class: "job-prompt" }, prompt), h("div", { class: "job-line" }, bar, stage), thumbs);
    c.jobs.prepend(li);
    const entry = {
      id, prompt, li, job: null, heard: 0,
      update(job) {
        this.job = job;
        li.dataset.status = job.status;
        bar.value = job.status === "completed" ? 1 : job.progress;
        stage.textContent = job.status === "running" ? t("stage.running", { percent: Math.round(job.progress * 100) })
          : job.status === "failed" ? t("stage.failed", { error: job.error ?? "" }) : t(`stage.${job.status}`);
        if (job.status === "completed" && job.result) {
          thumbs.replaceChildren(...job.result.files.map((f) => (f.format === "png" || f.format === "jpg" || f.format === "webp")
            ? h("img", { src: f.url, alt: prompt, loading: "lazy", width: "96" })
            : h("video", { src: f.url, controls: true, preload: "metadata", "aria-label": prompt })));
        }
      },
      relabel() {
        bar.setAttribute("aria-label", t("make.progress", { prompt }));
        if (this.job) this.update(this.job);
      },
    };
    entries.push(entry);
    return entry;
  }

  function notifyDone(prompt) {
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      new Notification(t("done.title"), { body: t("done.body", { prompt }) });
    } else {
      toast(t("done.toast", { prompt }));
    }
  }

  function recordVideo(job, meta) {
    const made = loadJson(madeKey(session.id), {});
    for (const id of job.result?.media_ids ?? []) made[id] = { ...meta, created_at: job.finished_at ?? new Date().toISOString() };
    saveJson(madeKey(session.id), made);
  }

  // The queue (queue.js, in the timeline panel) polls every job it is told of ("job") and
  // announces each poll ("job-update"); this loop polls only when no announcement came lately,
  // so a job still finishes here when the queue is not on the page.
  async function follow(entry, meta) {
    running.set(entry.id, entry);
    c.cancel.hidden = false;
    bus.dispatchEvent(new CustomEvent("job", { detail: { id: entry.id, kind: meta.kind, label: entry.prompt } }));
    for (let delay = 150; !FINAL.includes(entry.job?.status); delay = Math.min(delay * 1.5, 1000)) {
      await sleep(delay);
      if (Date.now() - entry.heard < 1500 || FINAL.includes(entry.job?.status)) continue;
      try {
        entry.update(await api.get(`/api/jobs/${entry.id}`));
      } catch (error) {
        entry.update({ status: "failed", progress: 0, error: errorText(error, t) });
      }
    }
    running.delete(entry.id);
    c.cancel.hidden = running.size === 0;
    if (entry.job.status === "completed") {
      if (meta.kind === "video") recordVideo(entry.job, meta);
      notifyDone(entry.prompt);
      bus.dispatchEvent(new CustomEvent("generated", { detail: entry.job }));
      await session.refresh();
    } else {
      ctx.refreshBalance();
    }
  }

  function order() {
    const seed = c.seed.value === "" ? null : Number(c.seed.value);
    const common = { prompt: c.prompt.value.trim(), aspect: c.aspect.value, seed, style: c.style.value || null,
                     session_id: session.id };
    if (mode() === "video") {
      return { path: "/api/jobs/video", body: { ...common, seconds: Number(c.seconds.value),
        title: c.title.value.trim() || null, music: c.music.value || null } };
    }
    return { path: "/api/jobs/image", body: { ...common, n: Number(c.count.value), engine: c.engine.value || null } };
  }

  async function generate() {
    c.error.hidden = true;
    if (!form.reportValidity()) return;
    if ("Notification" in window && Notification.permission === "default") Notification.requestPermission().catch(() => {});
    const { path, body } = order();
    c.generate.disabled = true;
    try {
      const job = await api.post(path, body);
      remember(body.prompt);
      const entry = jobEntry(job.job_id, body.prompt);
      entry.update(job);
      ctx.refreshBalance(); // the price is frozen now
      follow(entry, { kind: mode(), ...body });
    } catch (error) {
      showError(error);
    } finally {
      c.generate.disabled = false;
    }
  }

  async function cancel() {
    await Promise.all([...running.keys()].map((id) => api.del(`/api/jobs/${id}`).catch(() => null)));
  }

  /** Fill the form from an item's metadata (remix): prompt, aspect, count, style, seed, engine, video fields. */
  function fill(meta) {
    (meta.kind === "video" ? c.video : c.image).checked = true;
    applyMode();
    c.prompt.value = meta.prompt ?? "";
    const aspect = meta.aspect ?? (meta.width && meta.height ? aspectOf(meta.width, meta.height) : null);
    if (aspect) c.aspect.value = aspect;
    if (meta.n) c.count.value = String(meta.n);
    if (meta.engine && engines.some((e) => e.name === meta.engine) && meta.kind !== "video") {
      c.engine.value = meta.engine;
      fillStyles();
    }
    c.style.value = meta.style ?? "";
    c.seed.value = meta.seed ?? "";
    if (meta.kind === "video") {
      c.seconds.value = String(meta.seconds ?? 8);
      c.title.value = meta.title ?? "";
      c.music.value = meta.music ?? "";
    }
    c.prompt.focus();
    root.scrollIntoView({ block: "start", behavior: "smooth" });
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); generate(); });
  c.cancel.addEventListener("click", cancel);
  bus.addEventListener("state", (event) => showHistory(event.detail));
  bus.addEventListener("remix", (event) => fill(event.detail));
  bus.addEventListener("job-update", (event) => {
    const entry = running.get(event.detail?.id);
    if (entry && event.detail.view) {
      entry.heard = Date.now();
      entry.update(event.detail.view);
    }
  });
  bus.addEventListener("lang", () => { showHistory(); for (const entry of entries) entry.relabel(); });
  showHistory();
  loadEngines();
  return { generate, cancel, fill };
}
