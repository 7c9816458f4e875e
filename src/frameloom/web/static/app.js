// Boot: language, token (anonymous, kept), session (kept per server), then the
// panels. The panels share `ctx = {api, t, session, bus}`:
//   bus events: "state" (detail: the session's /latest data, after any change),
//   "balance" (detail: {available, frozen, total}), "generated" (detail: a job),
//   "lang" (detail: "en" | "zh", after the UI language changed).
import api, { ApiError } from "./api.js";
import { initI18n, setLanguage, t } from "./i18n.js";
import { mountGallery } from "./gallery.js";
import { mountMake } from "./make.js";
import { errorText, toast, typing } from "./ui.js";

const KEYS = {
  client: "frameloom.client_id",
  token: "frameloom.token",
  bind: "frameloom.bind_id",
  plan: "frameloom.plan",
  email: "frameloom.email",
  session: `frameloom.session:${location.origin}`,
};
const bus = new EventTarget();

function emit(name, detail) {
  bus.dispatchEvent(new CustomEvent(name, { detail }));
}

// --- token -------------------------------------------------------------------------------------

function newClientId() {
  const id = crypto.randomUUID().replaceAll("-", "");
  localStorage.setItem(KEYS.client, id);
  return id;
}

function keepToken(issued, email = null) {
  localStorage.setItem(KEYS.token, issued.token);
  localStorage.setItem(KEYS.bind, issued.bind_id ?? "");
  localStorage.setItem(KEYS.plan, issued.plan ?? "anonymous");
  if (email) localStorage.setItem(KEYS.email, email);
  api.setToken(issued.token);
}

/** An anonymous account for this browser; a client id the server already saw (429) is replaced once. */
async function anonymousToken() {
  let clientId = localStorage.getItem(KEYS.client) || newClientId();
  for (let attempt = 0; ; attempt += 1) {
    try {
      const issued = await api.post("/api/auth/anonymous-token", undefined, { headers: { "X-Client-Id": clientId } });
      keepToken(issued);
      localStorage.removeItem(KEYS.email);
      return;
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 429 || attempt > 0) throw error;
      clientId = newClientId();
    }
  }
}

// --- session -----------------------------------------------------------------------------------

const session = {
  id: null,
  state: null, // the last /latest data
  get token() { return api.token; },
  /** Read the session's state, tell every panel ("state") and return it. */
  async refresh() {
    const state = await api.get(`/api/state/nemo_agent/me/${session.id}/latest`);
    session.state = state;
    emit("state", state);
    return state;
  },
};

async function newSession() {
  const created = await api.post("/api/tasks/me/with-session/nemo_agent",
                                 { task_name: "studio", language: document.documentElement.lang.slice(0, 2) });
  session.id = created.session_id;
  localStorage.setItem(KEYS.session, session.id);
}

/** The kept session if this account still has it, else a new one; a dead token is replaced once. */
async function openSession() {
  session.id = localStorage.getItem(KEYS.session);
  for (let attempt = 0; ; attempt += 1) {
    try {
      if (!session.id) await newSession();
      return await session.refresh();
    } catch (error) {
      if (!(error instanceof ApiError) || attempt > 1) throw error;
      if (error.code === 1002) session.id = null;
      else if (error.code === 1001) await anonymousToken();
      else throw error;
    }
  }
}

// --- balance and account -----------------------------------------------------------------------

function showBalance(balance) {
  const el = document.getElementById("balance");
  el.setAttribute("aria-label", t("balance.label"));
  el.dataset.available = balance.available;
  el.textContent = balance.frozen
    ? t("balance.frozen", { available: balance.available, frozen: balance.frozen })
    : t("balance.text", { available: balance.available });
  const anonymous = localStorage.getItem(KEYS.plan) !== "registered";
  if (anonymous && balance.available <= 0) {
    showRegisterLink(`/register?bind=${encodeURIComponent(localStorage.getItem(KEYS.bind) || "")}`);
  }
}

let lastBalance = null;

async function refreshBalance() {
  try {
    lastBalance = await api.get("/api/credits/balance/simple");
    emit("balance", lastBalance);
  } catch (error) {
    if (error instanceof ApiError && error.code !== 1001) toast(errorText(error, t), { kind: "error" });
  }
}

/** The registration link of a 2001 answer (`register_url`), shown next to the balance. */
function showRegisterLink(url) {
  const link = document.getElementById("register-link");
  link.href = url;
  link.hidden = false;
}

function showAccount() {
  const email = localStorage.getItem(KEYS.email);
  document.getElementById("account-name").textContent = email ? t("auth.signedIn", { email }) : t("auth.guest");
  document.getElementById("sign-in").hidden = Boolean(email);
  document.getElementById("sign-up").hidden = Boolean(email);
  document.getElementById("sign-out").hidden = !email;
  if (localStorage.getItem(KEYS.plan) === "registered") document.getElementById("register-link").hidden = true;
}

function wireAuth() {
  const dialog = document.getElementById("auth-dialog");
  const form = document.getElementById("auth-form");
  const errorBox = document.getElementById("auth-error");
  let mode = "register";
  const open = (which) => {
    mode = which;
    document.getElementById("auth-title").textContent = t(which === "register" ? "auth.registerTitle" : "auth.signInTitle");
    document.getElementById("auth-submit").textContent = t(which === "register" ? "auth.register" : "auth.signIn");
    errorBox.hidden = true;
    document.getElementById("auth-password").autocomplete = which === "register" ? "new-password" : "current-password";
    dialog.showModal();
  };
  document.getElementById("sign-in").addEventListener("click", () => open("login"));
  document.getElementById("sign-up").addEventListener("click", () => open("register"));
  document.getElementById("register-link").addEventListener("click", (event) => { event.preventDefault(); open("register"); });
  document.getElementById("auth-cancel").addEventListener("click", () => dialog.close());
  document.getElementById("sign-out").addEventListener("click", () => {
    for (const key of [KEYS.token, KEYS.email, KEYS.plan, KEYS.bind, KEYS.session, KEYS.client]) localStorage.removeItem(key);
    location.reload();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = document.getElementById("auth-email").value.trim();
    const password = document.getElementById("auth-password").value;
    try {
      const bind = mode === "register" ? localStorage.getItem(KEYS.bind) || null : null;
      const issued = await api.post(`/api/auth/${mode}`, { email, password, bind_id: bind });
      keepToken(issued, email);
      dialog.close();
      await openSession(); // a login may be another account: its own session
      showAccount();
      await refreshBalance();
      toast(t("auth.done", { email }));
    } catch (error) {
      errorBox.textContent = errorText(error, t);
      errorBox.hidden = false;
    }
  });
}

// --- language, keyboard ------------------------------------------------------------------------

function wireLanguage(current) {
  const select = document.getElementById("lang");
  select.value = current;
  select.addEventListener("change", () => {
    const lang = setLanguage(select.value);
    showAccount();
    if (lastBalance) showBalance(lastBalance);
    emit("lang", lang);
  });
}

function wireKeys(make, gallery) {
  const help = document.getElementById("help-dialog");
  document.getElementById("help-open").addEventListener("click", () => help.showModal());
  document.addEventListener("keydown", (event) => {
    const inPanelOfChat = event.target instanceof Element && event.target.closest("#chat, #timeline");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !inPanelOfChat) {
      event.preventDefault();
      make.generate();
      return;
    }
    if (document.querySelector("dialog[open]")) return; // Esc closes the dialog itself
    if (event.key === "Escape") { make.cancel(); return; }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = { j: () => gallery.next(), k: () => gallery.previous(), f: () => gallery.favorite(), "?": () => help.showModal() };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });
}

// --- the panels of helper B (chat, timeline) load if present ------------------------------------

async function mountOptional(module, name, el, ctx) {
  try {
    const loaded = await import(module);
    await loaded[name](el, ctx);
  } catch (error) {
    console.error(`${module}: ${error}`);
  }
}

async function boot() {
  const lang = await initI18n();
  wireLanguage(lang);
  api.setToken(localStorage.getItem(KEYS.token));
  bus.addEventListener("balance", (event) => (event.detail?.available !== undefined ? showBalance(event.detail) : refreshBalance()));
  bus.addEventListener("state", () => refreshBalance());
  bus.addEventListener("credits-out", (event) => showRegisterLink(event.detail));
  wireAuth();
  showAccount();
  if (!api.token) await anonymousToken();
  const ctx = { api, t, session, bus, refreshBalance };
  const make = mountMake(document.getElementById("make"), ctx);
  const gallery = mountGallery(document.getElementById("gallery"), ctx);
  wireKeys(make, gallery);
  await openSession();
  await Promise.all([
    mountOptional("./chat.js", "mountChat", document.getElementById("chat"), ctx),
    mountOptional("./timeline.js", "mountTimeline", document.getElementById("timeline"), ctx),
  ]);
  emit("state", session.state); // the panels mounted last draw the state too
  document.body.dataset.ready = "true";
}

boot().catch((error) => {
  toast(error instanceof ApiError ? errorText(error, t) : String(error), { kind: "error", ms: 60_000 });
  console.error(error);
});
