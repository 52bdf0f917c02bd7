// Staff console (/staff): log in, choose a counter, drive it. Every action answers on screen; errors say why.
import { $, api, ApiError, bindSignIn, connectLobby, el, languageSwitch, LANGUAGES, lastReadWins, local, savedToken, setLanguage, signOut, t } from "./common.js";

const STAFF_LANGUAGES = LANGUAGES.filter((l) => l.code === "ja" || l.code === "en");
const state = {
  token: savedToken(),
  offices: [], services: new Map(), counters: [],
  officeId: localStorage.getItem("cq.staff.office"), counterId: localStorage.getItem("cq.staff.counter"),
  counter: null, busy: false, connection: null,
};
window.cqStaff = state;

const counterPath = (action) =>
  `/api/offices/${encodeURIComponent(state.officeId)}/counters/${encodeURIComponent(state.counterId)}/${action}`;

function feedback(message) { $("#error").textContent = ""; $("#feedback").textContent = message; }
function failure(error) { $("#feedback").textContent = ""; $("#error").textContent = error.message; }

async function authed(path, options = {}) {
  try {
    return await api(path, { ...options, token: state.token });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { logout(); throw new ApiError(401, { title: t("staff.loginFailed") }); }
    throw e;
  }
}

// ---- log in / out
function showLogin() {
  $("#login").hidden = false; $("#console").hidden = true; $("#logout").hidden = true;
  $("#username").focus();
}

function logout() {
  state.token = null;
  signOut();
  state.connection?.stop();
  state.connection = null;
  showLogin();
}

bindSignIn(async (token) => { state.token = token; await showConsole(); });
$("#logout").addEventListener("click", logout);

// ---- choosing the office and counter
async function showConsole() {
  $("#login").hidden = true; $("#console").hidden = false; $("#logout").hidden = false;
  state.offices = await api("/api/offices");
  if (!state.offices.some((o) => o.id === state.officeId)) state.officeId = state.offices[0]?.id;
  $("#office").replaceChildren(...state.offices.map((o) => el("option", { value: o.id, text: local(o.name), selected: o.id === state.officeId })));
  await loadOffice();
  connect();
}

async function loadOffice() {
  const [services, counters] = await Promise.all([
    api(`/api/offices/${encodeURIComponent(state.officeId)}/services`),
    api(`/api/offices/${encodeURIComponent(state.officeId)}/counters`),
  ]);
  state.services = new Map(services.map((s) => [s.id, s]));
  state.counters = counters;
  if (!counters.some((c) => c.id === state.counterId)) state.counterId = counters[0]?.id;
  $("#counter").replaceChildren(...counters.map((c) => el("option", { value: c.id, text: `${local(c.label)} (${c.floor})`, selected: c.id === state.counterId })));
  localStorage.setItem("cq.staff.office", state.officeId);
  localStorage.setItem("cq.staff.counter", state.counterId);
  state.counter = counters.find((c) => c.id === state.counterId) ?? null;
  render();
}

$("#office").addEventListener("change", async (e) => {
  state.officeId = e.target.value; state.counterId = null;
  await loadOffice();
  await loadDesk().catch(() => {});
  await state.connection?.invoke("Subscribe", state.officeId, null).catch(() => {});
});
$("#counter").addEventListener("change", (e) => {
  state.counterId = e.target.value;
  localStorage.setItem("cq.staff.counter", state.counterId);
  state.counter = state.counters.find((c) => c.id === state.counterId) ?? null;
  feedback("");
  render();
});

// ---- what the console shows
function render() {
  const counter = state.counter;
  if (!counter) return;
  const badge = $("#counter-state");
  badge.dataset.state = counter.state;
  badge.textContent = t(`staff.state.${counter.state}`);
  const serving = counter.serving;
  $("#in-hand").textContent = serving?.number ?? "—";
  $("#in-hand-status").textContent = serving
    ? `${t(`staff.ticketStatus.${serving.status}`)} · ${local(state.services.get(serving.serviceId)?.name)}`
    : t("staff.none");
  const open = counter.state === "open";
  const set = (id, enabled) => { $(id).disabled = state.busy || !enabled; };
  set("#open", counter.state !== "open");
  set("#pause", open);
  set("#close", counter.state !== "closed" && !serving);
  set("#call-next", open && !serving);
  set("#recall", serving?.status === "called");
  set("#start", serving?.status === "called");
  set("#complete", !!serving);
  set("#no-show", serving?.status === "called");
  set("#transfer", !!serving);
  const rows = counter.serviceIds.map((id) => state.services.get(id)).filter(Boolean).map((s) =>
    el("tr", { "data-service": s.id }, el("td", { text: `${s.ticketPrefix} ${local(s.name)}` }),
      el("td", { class: "number", text: String(s.waiting) })));
  $("#waiting tbody").replaceChildren(...rows);
}

// ---- actions
async function act(action, { body, describe } = {}) {
  if (state.busy || !state.counter) return;
  state.busy = true;
  render();
  try {
    const result = await authed(counterPath(action), { method: "POST", body: body ?? {} });
    if (result === null) {
      feedback(t("staff.nobodyWaiting"));
    } else {
      state.counter = result.counter ?? result;
      state.counters = state.counters.map((c) => (c.id === state.counter.id ? state.counter : c));
      feedback(describe?.(result) ?? "");
    }
  } catch (e) {
    failure(e);
    // Show the counter as it really is after a failed action (someone else may have changed it).
    await refreshCounter().catch(() => {});
  } finally {
    state.busy = false;
    render();
    loadDesk().catch(() => {}); // a completed reception may have sent a ticket to processing
  }
}

async function refreshCounter() {
  const counters = await api(`/api/offices/${encodeURIComponent(state.officeId)}/counters`);
  state.counters = counters;
  state.counter = counters.find((c) => c.id === state.counterId) ?? state.counter;
}

const number = (r) => r.ticket?.number ?? "";
const actions = {
  "#open": () => act("open", { describe: () => t("staff.state.open") }),
  "#pause": () => act("pause", { describe: () => t("staff.state.paused") }),
  "#close": () => act("close", { describe: () => t("staff.state.closed") }),
  "#call-next": () => act("call-next", { describe: (r) => t("staff.called", { number: number(r) }) }),
  "#recall": () => act("recall", { describe: (r) => t("staff.called", { number: number(r) }) }),
  "#start": () => act("start", { describe: (r) => `${number(r)} ${t("staff.ticketStatus.serving")}` }),
  "#complete": () => act("complete", { describe: (r) => t("staff.done", { number: number(r) }) }),
  "#no-show": () => act("no-show", { describe: (r) => t("staff.noShowDone", { number: number(r) }) }),
  "#transfer": () => openTransfer(),
};
for (const [id, run] of Object.entries(actions)) $(id).addEventListener("click", run);

function openTransfer() {
  const serving = state.counter?.serving;
  if (!serving) return;
  $("#transfer-service").replaceChildren(...[...state.services.values()].filter((s) => s.id !== serving.serviceId)
    .map((s) => el("option", { value: s.id, text: `${s.ticketPrefix} ${local(s.name)} (${s.floor})` })));
  $("#transfer-dialog").showModal();
}
$("#transfer-cancel").addEventListener("click", () => $("#transfer-dialog").close());
$("#transfer-form").addEventListener("submit", () => {
  const toServiceId = $("#transfer-service").value;
  act("transfer", { body: { toServiceId }, describe: (r) => t("staff.transferred", { number: number(r), service: local(state.services.get(toServiceId)?.name) }) });
});

// ---- processing desk (受付 → 審査 → 交付): papers in processing, ready for pick-up, and ready ones nobody collected
const tokyoClock = (iso) => new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));

const loadDesk = lastReadWins(
  () => (state.officeId && state.token ? authed(`/api/offices/${encodeURIComponent(state.officeId)}/processing`) : null),
  showDesk);

function showDesk(desk) {
  if (!desk) return;
  const row = (stage, entry, action) => el("tr", { "data-stage": stage, "data-number": entry.number },
    el("td", { text: t(`staff.deskStage.${stage}`) + (entry.recalled && stage !== "processing" ? ` (${t("staff.deskRecalled")})` : "") }),
    el("td", { class: "number", text: entry.number }),
    el("td", { text: local(entry.serviceName) }),
    el("td", { text: t("staff.deskMinutes", { time: tokyoClock(entry.since), n: entry.minutesSince }) }),
    el("td", {}, action ? el("button", { type: "button", "data-ready": entry.ticketId, onclick: () => ready(entry), text: action }) : null));
  const rows = [
    ...desk.processing.map((e) => row("processing", e, t("staff.deskReady"))),
    ...desk.ready.map((e) => row("ready", e, null)),
    ...desk.uncollected.map((e) => row("uncollected", e, t("staff.deskReadyAgain"))),
  ];
  $("#desk tbody").replaceChildren(...rows);
  $("#desk").hidden = rows.length === 0;
  $("#desk-empty").hidden = rows.length > 0;
}

async function ready(entry) {
  try {
    await authed(`/api/tickets/${encodeURIComponent(entry.ticketId)}/ready`, { method: "POST", body: {} });
    feedback(t("staff.deskReadyDone", { number: entry.number }));
  } catch (e) {
    failure(e);
  }
  await loadDesk().catch(() => {});
}

// ---- a ticket's journey (来庁記録): every step with its counter, staff member and times
const tokyoToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(new Date());

async function showJourney(number, date) {
  $("#journey-summary").textContent = "";
  $("#journey").hidden = true;
  try {
    const query = new URLSearchParams({ number, date: date || tokyoToday() });
    const journey = await authed(`/api/offices/${encodeURIComponent(state.officeId)}/journeys?${query}`);
    const serviceName = (id) => local(state.services.get(id)?.name) || id || "";
    const counterName = (id) => local(state.counters.find((c) => c.id === id)?.label) || id || "";
    $("#journey tbody").replaceChildren(...journey.steps.map((s) => el("tr", { "data-kind": s.kind },
      el("td", { text: tokyoClock(s.at) }),
      el("td", { text: t(`staff.event.${s.kind}`) + (s.toServiceId ? ` → ${serviceName(s.toServiceId)}` : "") }),
      el("td", { text: serviceName(s.serviceId) }),
      el("td", { text: counterName(s.counterId) }),
      el("td", { text: s.staff ?? "" }),
      el("td", { class: "number", text: t("staff.journeyMinutes", { n: s.minutesSincePrevious }) }))));
    $("#journey").hidden = false;
    $("#journey-summary").textContent = journey.endToEndMinutes != null
      ? t("staff.journeyEnded", { number: journey.number, n: journey.endToEndMinutes, waited: journey.waitedMinutes })
      : t("staff.journeyOpen", { number: journey.number, waited: journey.waitedMinutes });
  } catch (e) {
    $("#journey-summary").textContent = e.message;
  }
}

$("#journey-form").addEventListener("submit", (event) => {
  event.preventDefault();
  showJourney($("#journey-number").value.trim(), $("#journey-date").value);
});
$("#journey-in-hand").addEventListener("click", () => {
  const number = state.counter?.serving?.number;
  if (!number) { $("#journey-summary").textContent = t("staff.none"); return; }
  $("#journey-number").value = number;
  $("#journey-date").value = tokyoToday();
  showJourney(number, tokyoToday());
});

// Keyboard: a single key, when not typing in a field.
const keys = { n: "#call-next", r: "#recall", s: "#start", c: "#complete", x: "#no-show", t: "#transfer" };
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || $("#console").hidden || $("#transfer-dialog").open) return;
  if (event.target.closest?.("input, select, textarea")) return;
  const id = keys[event.key.toLowerCase()];
  if (!id) return;
  event.preventDefault();
  if (!$(id).disabled) actions[id]();
});

// ---- live: queue lengths, and this counter changed from elsewhere
function connect() {
  if (state.connection) return;
  state.connection = connectLobby({
    handlers: {
      QueueUpdated: (u) => {
        const s = state.services.get(u.serviceId);
        if (!s || u.officeId !== state.officeId) return;
        s.waiting = u.waiting; s.estimatedWaitMinutes = u.estimatedWaitMinutes;
        render();
      },
      PickupReady: (p) => { if (p.officeId === state.officeId) loadDesk().catch(() => {}); },
      CounterChanged: async (c) => {
        if (c.officeId === state.officeId && c.counterId === state.counterId && !state.busy) { await refreshCounter().catch(() => {}); render(); }
      },
    },
    onConnected: async (connection) => {
      await connection.invoke("Subscribe", state.officeId, null);
      await loadOffice();
      await loadDesk().catch(() => {});
      document.body.dataset.ready = "true";
    },
  });
}

async function main() {
  await setLanguage(sessionStorage.getItem("cq.lang") ?? "ja");
  languageSwitch($("#languages"), render, STAFF_LANGUAGES);
  if (state.token) {
    try { await showConsole(); return; } catch { /* fall through to the login form */ }
  }
  showLogin();
}

$("#journey-date").value = tokyoToday();
setInterval(() => { if (!$("#console").hidden) loadDesk().catch(() => {}); }, 20000);
main();
