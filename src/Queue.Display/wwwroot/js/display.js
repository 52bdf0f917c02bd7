// Lobby display (/display/{officeId}?floor=1F&second=en): what is being called, where, and how long the wait is.
// Japanese first, with a second language (English unless ?second= says otherwise) under every heading.
import { $, api, connectLobby, el, LANGUAGES, local, setLanguage, t, tIn } from "./common.js";

const officeId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const params = new URLSearchParams(location.search);
const floor = params.get("floor") || null;
const second = LANGUAGES.some((l) => l.code === params.get("second") && l.code !== "ja") ? params.get("second") : "en";
const HISTORY = 4;       // numbers shown per counter (current + earlier)
const LATEST = 4;        // earlier calls listed under the big number
const PICKUP = 12;       // numbers on the pick-up board
const FRESH_MS = 15000;  // how long a new call's row stays highlighted

const state = {
  office: null,
  services: new Map(),   // id → service summary
  counters: new Map(),   // id → { view, calls: [{ number, serviceId, calledAt, recall }] }
  latest: [],            // calls across counters, newest first
  pickup: [],            // numbers ready for pick-up
  notices: [],
};

// What the page announced, for anyone (and any test) who wants to check: { text, lang, spoken }.
const announcements = [];
window.cqDisplay = { announcements, state };

const secondText = async () => {
  for (const node of document.querySelectorAll("[data-second]")) node.textContent = await tIn(second, node.dataset.second);
  document.querySelectorAll("[data-second]").forEach((n) => n.setAttribute("lang", second));
};

const floorIn = async (code, f) => {
  const m = /^(B?)(\d+)F$/i.exec(f ?? "");
  return m ? tIn(code, m[1] ? "floor.basement" : "floor.above", { n: m[2] }) : (f ?? "");
};

/** "A-007" → "A 7": how a voice should read a number. */
const spoken = (number) => number.replace(/^([A-Z]+)-0*(\d+)$/i, "$1 $2");

// ---- sound: a two-tone chime (Web Audio) and the call spoken (Web Speech), Japanese then the second language.
const sound = {
  context: null,
  voices: [],
  queue: Promise.resolve(),
  init() {
    try { this.context = new AudioContext(); } catch { this.context = null; }
    const loadVoices = () => { this.voices = window.speechSynthesis?.getVoices() ?? []; this.note(); };
    if (window.speechSynthesis) { loadVoices(); speechSynthesis.addEventListener?.("voiceschanged", loadVoices); }
    this.note();
    const button = $("#enable-sound");
    // Browsers keep a page silent until someone touches it (a lobby TV's browser is started with autoplay allowed).
    if (this.context && this.context.state !== "running") {
      button.hidden = false;
      button.addEventListener("click", async () => {
        await this.context.resume();
        window.speechSynthesis?.speak(new SpeechSynthesisUtterance(""));
        button.hidden = true;
      });
    }
  },
  voiceFor(code) { return this.voices.find((v) => v.lang?.toLowerCase().startsWith(code)); },
  note() {
    const silent = !window.speechSynthesis || this.voices.length === 0;
    const note = $("#voice-note");
    note.hidden = !silent;
    if (silent) Promise.all([tIn("ja", "display.noVoice"), tIn(second, "display.noVoice")]).then(([a, b]) => { note.textContent = `${a} / ${b}`; });
  },
  chime() {
    const ctx = this.context;
    if (!ctx || ctx.state !== "running") return Promise.resolve(false);
    const tone = (frequency, start) => {
      const osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.type = "sine"; osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.35, ctx.currentTime + start + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + 0.9);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + start); osc.stop(ctx.currentTime + start + 1);
    };
    tone(880, 0); tone(698.5, 0.45); // ピンポーン
    return new Promise((resolve) => setTimeout(() => resolve(true), 1300));
  },
  say(text, code) {
    const voice = this.voiceFor(code);
    const entry = { text, lang: code, spoken: false };
    announcements.push(entry);
    if (!window.speechSynthesis || !voice) return Promise.resolve(); // silent fallback: the screen still shows it
    return new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice; utterance.lang = voice.lang; utterance.rate = 0.9;
      utterance.onend = utterance.onerror = () => resolve();
      entry.spoken = true;
      speechSynthesis.speak(utterance);
      setTimeout(resolve, 12000); // never let one stuck utterance silence the rest
    });
  },
  /** Calls are announced one after another, never over each other. */
  announce(call) {
    this.queue = this.queue.then(async () => {
      await this.chime();
      for (const code of ["ja", second]) {
        const key = call.recall ? "speech.recall" : "speech.call";
        const text = await tIn(code, key, {
          number: spoken(call.number), counter: local(call.counterLabel, code), floor: await floorIn(code, call.floor),
        });
        await this.say(text, code);
      }
    }).catch((e) => console.warn("announcement failed", e));
  },
};

// ---- rendering
function counterLabel(view) {
  return el("span", {}, local(view.label, "ja"), el("span", { class: "second", lang: second, text: local(view.label, second) }));
}

async function renderNow() {
  const now = $("#now");
  const [call] = state.latest;
  if (!call) { now.replaceChildren(el("p", { class: "empty", text: t("display.none") })); return; }
  const counter = state.counters.get(call.counterId)?.view;
  const label = counter?.label ?? call.counterLabel;
  const [jaFloor, secondFloor, secondTo] = await Promise.all([
    floorIn("ja", call.floor), floorIn(second, call.floor), tIn(second, "display.callTo", { counter: local(label, second) }),
  ]);
  const recall = call.recall ? el("span", { class: "recall", text: `${t("display.recall")} / ${await tIn(second, "display.recall")}` }) : "";
  now.replaceChildren(
    recall,
    el("p", { class: "big number", "data-testid": "now-number", text: call.number }),
    el("p", { class: "to" }, `${jaFloor} ${t("display.callTo", { counter: local(label, "ja") })}`,
      el("span", { class: "second", lang: second, text: `${secondTo} (${secondFloor})` })),
  );
  $("#latest").replaceChildren(...state.latest.slice(1, 1 + LATEST).map((c) => el("li", {},
    el("span", { class: "number", text: c.number }),
    el("span", { text: local(state.counters.get(c.counterId)?.view.label ?? c.counterLabel, "ja") }))));
}

/** A table with a heading row of [ja, second] labels, for some of the rows. */
function table(headings, rows) {
  return el("table", {},
    el("thead", {}, el("tr", {}, ...headings.map(([key, secondText]) =>
      el("th", { scope: "col" }, t(key), el("span", { class: "second", lang: second, text: secondText }))))),
    el("tbody", {}, ...rows));
}

/**
 * Puts rows into one table, or two side by side when there are many (a whole ward office), then shrinks the
 * text of that panel only as far as needed for everything to fit: a TV cannot scroll.
 */
function layout(container, headings, rows, splitAbove) {
  const columns = rows.length > splitAbove ? 2 : 1;
  const perColumn = Math.ceil(rows.length / columns);
  const tables = Array.from({ length: columns }, (_, i) => table(headings, rows.slice(i * perColumn, (i + 1) * perColumn)));
  container.classList.toggle("two", columns === 2);
  container.replaceChildren(...tables);
  fit(container.parentElement);
}

function fit(panel) {
  panel.classList.remove("compact");
  if (shrink(panel)) return;
  // Still too much: drop the second-language line under each row (the headings keep it), then fit again.
  panel.classList.add("compact");
  shrink(panel);
}

function shrink(panel) {
  panel.style.fontSize = "";
  for (let size = 100; panel.scrollHeight > panel.clientHeight + 1; size -= 5) {
    if (size <= 55) return false;
    panel.style.fontSize = `${size - 5}%`;
  }
  return true;
}

const headingText = {};
async function loadHeadings() {
  for (const key of ["display.counter", "display.current", "display.earlier", "display.service", "display.waiting", "display.estimate"]) {
    headingText[key] = await tIn(second, key);
  }
}
const headings = (...keys) => keys.map((k) => [k, headingText[k] ?? ""]);

function renderCounters() {
  const rows = [];
  for (const [id, entry] of state.counters) {
    const { view, calls } = entry;
    if (view.state === "closed" && calls.length === 0) continue; // nothing to say about a counter that never opened today
    const [first, ...earlier] = calls;
    const fresh = first && Date.now() - Date.parse(first.seenAt ?? 0) < FRESH_MS;
    rows.push(el("tr", { "data-counter": id, class: [view.state === "closed" && !first ? "closed" : "", fresh ? "fresh" : ""].join(" ").trim() || null },
      el("td", {}, counterLabel(view)),
      el("td", { class: "number" }, first ? first.number : (view.state === "open" ? "—" : t("display.closed"))),
      el("td", {}, ...earlier.map((c) => el("span", { class: "number", text: c.number })))));
  }
  layout($("#counters"), headings("display.counter", "display.current", "display.earlier"), rows, 6);
}

async function renderServices() {
  const rows = [];
  for (const s of state.services.values()) {
    if (!s.open && s.waiting === 0) continue;
    rows.push(el("tr", { "data-service": s.id },
      el("td", {}, local(s.name, "ja"), el("span", { class: "second", lang: second, text: local(s.name, second) })),
      el("td", { class: "number", text: t("display.people", { n: s.waiting }) }),
      el("td", { text: s.waiting === 0 ? "—" : t("display.minutes", { n: s.estimatedWaitMinutes }) })));
  }
  layout($("#services"), headings("display.service", "display.waiting", "display.estimate"), rows, 5);
}

async function renderNotices() {
  const items = state.notices.slice(0, 2).map((n) => el("li", { "data-kind": n.kind },
    local(n.text, "ja"), el("span", { class: "second", lang: second, text: local(n.text, second) })));
  $("#notices").replaceChildren(...items);
  document.querySelector("footer.notices").hidden = items.length === 0;
}

function renderPickup() {
  $("#pickup-panel").hidden = state.pickup.length === 0;
  $("#pickup").replaceChildren(...state.pickup.map((p) => el("li", { class: p.recall ? "number recalled" : "number", text: p.number })));
}

const render = () => Promise.all([renderNow(), renderCounters(), renderServices(), renderNotices(), renderPickup()]);

// ---- state from the REST API (on start and after every reconnection) and from the hub's events
const onThisFloor = (f) => floor === null || f === floor;

// Events heard while a resync is reading the API may be newer than its answers (a number called while the counters
// were being read): they are applied again over what it read, without announcing a call twice.
const reading = { count: 0, heard: [] };
const heard = (handler) => (event) => {
  if (reading.count > 0) reading.heard.push([handler, event]);
  handler(event, false);
};

async function resync() {
  reading.count++;
  const from = reading.heard.length;
  try {
    await readEverything();
    for (const [handler, event] of reading.heard.slice(from)) handler(event, true);
  } finally {
    if (--reading.count === 0) reading.heard = [];
  }
  await render();
}

async function readEverything() {
  const [offices, services, counters, notices, pickup] = await Promise.all([
    api("/api/offices"), api(`/api/offices/${encodeURIComponent(officeId)}/services`),
    api(`/api/offices/${encodeURIComponent(officeId)}/counters`),
    api(`/api/offices/${encodeURIComponent(officeId)}/notices`).catch(() => []),
    api(`/api/offices/${encodeURIComponent(officeId)}/pickup`).catch(() => null),
  ]);
  state.office = offices.find((o) => o.id === officeId);
  $("#office-name").textContent = local(state.office?.name, "ja");
  $("#floor-name").textContent = floor ? await floorIn("ja", floor) : "";
  document.title = `${local(state.office?.name, "ja")} ${floor ?? ""} 呼出表示`;
  state.services = new Map(services.filter((s) => onThisFloor(s.floor)).map((s) => [s.id, s]));
  state.counters = new Map(counters.filter((c) => onThisFloor(c.floor)).map((c) => {
    const calls = [c.serving, ...c.recentCalls].filter(Boolean)
      .map((r) => ({ number: r.number, serviceId: r.serviceId, calledAt: r.calledAt, counterId: c.id, counterLabel: c.label, floor: c.floor }));
    return [c.id, { view: c, calls: dedupe(calls).slice(0, HISTORY) }];
  }));
  state.latest = [...state.counters.values()].flatMap((c) => c.calls.slice(0, 1))
    .sort((a, b) => Date.parse(b.calledAt) - Date.parse(a.calledAt));
  state.notices = notices ?? [];
  // The pick-up board as the server has it now (events alone would leave it empty after a reload or reconnect);
  // the newest first, as PickupReady events add them.
  if (pickup) state.pickup = pickup.filter((p) => state.services.has(p.serviceId)).reverse().slice(0, PICKUP);
}

const dedupe = (calls) => calls.filter((c, i) => calls.findIndex((d) => d.number === c.number && d.serviceId === c.serviceId) === i);

function onCalled(call, replayed) {
  if (call.officeId !== officeId || !onThisFloor(call.floor)) return;
  const entry = state.counters.get(call.counterId);
  const seen = { ...call, seenAt: new Date().toISOString() };
  if (entry) entry.calls = dedupe([seen, ...entry.calls]).slice(0, HISTORY);
  state.latest = [seen, ...state.latest.filter((c) => !(c.number === call.number && c.serviceId === call.serviceId))].slice(0, 1 + LATEST);
  state.pickup = state.pickup.filter((p) => !(p.number === call.number && p.serviceId === call.serviceId));
  render();
  if (!replayed) sound.announce(call);
}

function onQueue(update) {
  const service = state.services.get(update.serviceId);
  if (!service) return;
  service.waiting = update.waiting;
  service.estimatedWaitMinutes = update.estimatedWaitMinutes;
  renderServices();
  // A temporary counter's session starting or ending changes what the notices say.
  if (service.temporary) {
    api(`/api/offices/${encodeURIComponent(officeId)}/notices`).then((notices) => { state.notices = notices; renderNotices(); }).catch(() => {});
  }
}

function onCounter(change) {
  const entry = state.counters.get(change.counterId);
  if (!entry) { resync().catch(() => {}); return; } // a counter this display has not seen yet (a temporary one)
  entry.view = { ...entry.view, state: change.state };
  // Whether a service is taking tickets depends on its counters, and a temporary counter brings or ends a notice: ask again.
  Promise.all([api(`/api/offices/${encodeURIComponent(officeId)}/services`), api(`/api/offices/${encodeURIComponent(officeId)}/notices`)])
    .then(([services, notices]) => {
      for (const s of services) if (onThisFloor(s.floor)) state.services.set(s.id, s);
      state.notices = notices;
      renderServices(); renderNotices();
    })
    .catch(() => {});
  renderCounters();
}

function onNotice(notice) {
  if (notice.officeId !== officeId) return;
  // A section moved (移転): its counters and services now belong to another floor's display. Read everything again.
  if (notice.kind === "relocation") { resync().catch(() => {}); }
  state.notices = [notice, ...state.notices.filter((n) => local(n.text, "ja") !== local(notice.text, "ja"))].slice(0, 3);
  renderNotices();
}

function onPickup(ready) {
  if (!state.services.has(ready.serviceId)) return;
  const others = state.pickup.filter((p) => !(p.number === ready.number && p.serviceId === ready.serviceId));
  // Not collected for a while: shown again at the front (recall), or taken off the board (uncollected: staff have it).
  state.pickup = ready.uncollected ? others : [ready, ...others].slice(0, PICKUP);
  renderPickup();
}

const clockFormat = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", month: "long", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit" });
// The clock shows the office's time by the server's clock, not the player's own (often minutes off): the offset between
// the two, measured at start, every half hour and after each reconnection (half the round trip taken as the way there).
const clock = { offsetMs: 0 };
function tick() { $("#clock").textContent = clockFormat.format(new Date(Date.now() + clock.offsetMs)); }
async function syncClock() {
  const sent = Date.now();
  const { now } = await api("/api/clock");
  const received = Date.now();
  const server = Date.parse(now);
  if (Number.isNaN(server)) return;
  clock.offsetMs = server - (sent + received) / 2;
  $("#clock").dataset.offsetMs = String(Math.round(clock.offsetMs));
  tick();
  scheduleDayChange();
}

// A new day (by the server's clock, Japan time) starts with empty lines and no calls: the display reads everything again
// ten seconds after midnight, or a TV left on overnight would show yesterday's last call and line lengths the next morning
// until something happened (nothing is announced by the re-read). And every ten minutes, whatever happened.
const DAY_MS = 86_400_000;
const TOKYO_MS = 9 * 3_600_000;
let dayChange = 0;
function scheduleDayChange() {
  clearTimeout(dayChange);
  const now = Date.now() + clock.offsetMs;
  const nextMidnight = (Math.floor((now + TOKYO_MS) / DAY_MS) + 1) * DAY_MS - TOKYO_MS;
  dayChange = setTimeout(() => { resync().catch(() => {}); scheduleDayChange(); }, nextMidnight - now + 10_000);
}

async function main() {
  await setLanguage("ja");
  await secondText();
  await loadHeadings();
  // Text metrics change when the screen or the web font does: fit the panels again then.
  const refit = () => { fit($("#counters").parentElement); fit($("#services").parentElement); };
  addEventListener("resize", refit);
  // …and when a panel itself changes size (a notice appearing below shrinks them).
  const observer = new ResizeObserver((entries) => entries.forEach((e) => fit(e.target)));
  observer.observe($("#counters").parentElement);
  observer.observe($("#services").parentElement);
  document.fonts?.addEventListener?.("loadingdone", refit);
  document.fonts?.ready.then(refit);
  tick(); setInterval(tick, 10000);
  syncClock().catch(() => {});
  setInterval(() => syncClock().catch(() => {}), 30 * 60_000);
  setInterval(() => { if (document.body.dataset.ready === "true") resync().catch(() => {}); }, 10 * 60_000);
  setInterval(renderCounters, 5000); // let the "fresh" highlight fade without any motion
  try {
    await resync();
  } catch (e) {
    if (e.status === 404) {
      document.querySelector("main").replaceChildren(el("p", { class: "unknown", role: "alert", text: `${t("display.unknownOffice")} / ${await tIn(second, "display.unknownOffice")}` }));
      return;
    }
  }
  sound.init();
  connectLobby({
    handlers: { TicketCalled: heard(onCalled), QueueUpdated: heard(onQueue), CounterChanged: heard(onCounter), Notice: heard(onNotice), PickupReady: heard(onPickup) },
    onConnected: async (connection) => {
      await connection.invoke("Subscribe", officeId, floor);
      syncClock().catch(() => {});
      await resync();
      document.body.dataset.ready = "true";
    },
  });
}

main();
