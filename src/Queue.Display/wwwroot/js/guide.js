// Floor guide (/guide/{officeId}, role guide): where to go today (search by kanji, kana, romaji, English or everyday
// words), redirect a ticket taken for the wrong place (scan its QR code or type its number), the waiting list, and the
// moves coming up. Refreshes from the lobby hub.
import { $, api, ApiError, bindSignIn, connectLobby, el, floorName, languageSwitch, lastReadWins, local, preferredLanguage, savedToken, setLanguage, signOut, t, timeOf } from "./common.js";
import { createScanner } from "./scan.js";

const officeId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const state = { token: savedToken(), office: null, services: [], waiting: [], ticket: null, results: [], query: "", connection: null };
window.cqGuide = state;

async function authed(path, options = {}) {
  try {
    return await api(path, { ...options, token: state.token });
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) { logout(t("guide.guideOnly")); }
    throw e;
  }
}

function showLogin(message = "") {
  $("#login").hidden = false; $("#console").hidden = true; $("#logout").hidden = true;
  $("#login-error").textContent = message;
}

function logout(message = "") { state.token = null; signOut(); state.connection?.stop(); state.connection = null; showLogin(message); }

const serviceName = (id) => local(state.services.find((s) => s.id === id)?.name) || id;
/** A floor and its area as people say it; an area that names its floor already (「3階 東側」) is said alone. */
const place = (floor, area) => {
  const name = floorName(floor);
  const where = local(area);
  return where ? (where.includes(name) ? where : `${name} ${where}`) : name;
};

// ---- search
async function search(event) {
  event?.preventDefault();
  const q = $("#q").value.trim();
  state.query = q;
  if (!q) { state.results = []; renderResults(); return; }
  try {
    state.results = await api(`/api/offices/${encodeURIComponent(officeId)}/search?q=${encodeURIComponent(q)}`);
  } catch (e) {
    state.results = [];
    $("#no-results").textContent = e.message;
  }
  renderResults();
}

function renderResults() {
  $("#no-results").hidden = !(state.query && state.results.length === 0);
  if (!$("#no-results").hidden) $("#no-results").textContent = t("guide.noResults");
  $("#results").replaceChildren(...state.results.map((r) => el("li", { "data-service": r.serviceId },
    el("span", { class: "name", text: local(r.name) }),
    el("span", { class: "where" }, el("span", { class: "floor", text: floorName(r.floor) }), local(r.area)),
    el("span", { class: "meta", text: `${local(r.sectionName)}・${r.openCounters.length ? r.openCounters.map((c) => local(c.label)).join("、") : t("guide.noCounterOpen")}・${t("guide.waitingCount", { n: r.waiting, m: r.estimatedWaitMinutes })}` }),
    r.upcoming ? el("span", { class: "soon", text: t("guide.movesOn", { date: dateText(r.upcoming.from), floor: place(r.upcoming.floor, r.upcoming.area) }) }) : null,
    state.ticket ? el("button", { type: "button", onclick: () => { $("#to-service").value = r.serviceId; $("#move").focus(); }, text: t("guide.chooseTarget") }) : null)));
}

const dateText = (iso) => new Intl.DateTimeFormat(document.documentElement.lang, { timeZone: "Asia/Tokyo", month: "long", day: "numeric" }).format(new Date(iso));

// ---- the ticket to redirect
/** A ticket's number as typed ("a12", "Ａ－０１２") in the form the office prints ("A-012"). */
function normalizeNumber(text) {
  const m = /^([A-Z]{1,3})-?(\d{1,3})$/.exec(text.normalize("NFKC").toUpperCase().replace(/[\s－ー−]/g, (c) => (c.trim() ? "-" : "")));
  return m ? `${m[1]}-${m[2].padStart(3, "0")}` : null;
}

/** The ticket id in a scanned QR code: the phone page's address …/t/{ticketId}. */
function ticketIdFromQr(text) {
  try {
    const url = new URL(text);
    const parts = url.pathname.split("/");
    return parts[1] === "t" && parts[2] ? decodeURIComponent(parts[2]) : null;
  } catch {
    return null;
  }
}

async function chooseTicket(ticket) {
  state.ticket = ticket;
  $("#redirect-error").textContent = "";
  $("#redirect-result").textContent = "";
  $("#ticket").hidden = false;
  $("#t-number").textContent = ticket.number;
  $("#t-service").textContent = serviceName(ticket.serviceId);
  $("#t-floor").textContent = floorName(ticket.floor);
  const preferred = state.results.find((r) => r.serviceId !== ticket.serviceId)?.serviceId;
  $("#to-service").replaceChildren(...state.services.filter((s) => s.id !== ticket.serviceId)
    .map((s) => el("option", { value: s.id, text: `${local(s.name)}（${floorName(s.floor)}）`, selected: s.id === preferred })));
  renderResults();
  $("#to-service").focus();
}

async function findByNumber(event) {
  event.preventDefault();
  const number = normalizeNumber($("#number").value);
  $("#redirect-error").textContent = "";
  if (!number) { $("#redirect-error").textContent = t("guide.badNumber"); return; }
  await loadWaiting();
  const ticket = state.waiting.find((w) => w.number === number);
  if (!ticket) { $("#redirect-error").textContent = t("guide.notWaiting", { number }); return; }
  await chooseTicket(ticket);
}

async function scanned(text) {
  const ticketId = ticketIdFromQr(text);
  if (!ticketId) { $("#redirect-error").textContent = t("guide.notATicket"); return; }
  try {
    const ticket = await api(`/api/tickets/${encodeURIComponent(ticketId)}`);
    if (ticket.officeId !== officeId) { $("#redirect-error").textContent = t("guide.otherOffice"); return; }
    if (ticket.status !== "waiting") { $("#redirect-error").textContent = t("guide.notWaiting", { number: ticket.number }); return; }
    await chooseTicket(ticket);
  } catch (e) {
    $("#redirect-error").textContent = e.message;
  }
}

async function move() {
  if (!state.ticket) return;
  const toServiceId = $("#to-service").value;
  $("#redirect-error").textContent = "";
  try {
    const moved = await authed(`/api/tickets/${encodeURIComponent(state.ticket.ticketId)}/redirect`, { method: "POST", body: { toServiceId } });
    $("#redirect-result").textContent = t("guide.moved", { number: moved.number, service: serviceName(moved.serviceId), floor: floorName(moved.floor), n: moved.position });
    state.ticket = null;
    $("#ticket").hidden = true;
    $("#number").value = "";
    await loadWaiting();
    renderResults();
  } catch (e) {
    $("#redirect-error").textContent = e.message;
  }
}

// ---- the waiting list and the moves coming up
const loadWaiting = lastReadWins(() => authed(`/api/offices/${encodeURIComponent(officeId)}/tickets?status=waiting`), showWaiting);

function showWaiting(waiting) {
  state.waiting = waiting;
  $("#waiting tbody").replaceChildren(...state.waiting.map((w) => el("tr", { "data-ticket": w.ticketId },
    el("td", {}, el("button", { type: "button", class: "quiet", text: w.number, onclick: () => chooseTicket(w) })),
    el("td", { text: serviceName(w.serviceId) }),
    el("td", { text: floorName(w.floor) }),
    el("td", { text: timeOf(w.issuedAt) }))));
}

async function loadMoves() {
  const [directory, relocations] = await Promise.all([
    api(`/api/offices/${encodeURIComponent(officeId)}/directory`),
    api(`/api/offices/${encodeURIComponent(officeId)}/relocations`),
  ]);
  const names = new Map(directory.map((d) => [d.sectionId, d]));
  const now = Date.now();
  const coming = relocations.filter((r) => new Date(r.effectiveFrom).getTime() > now).slice(0, 8);
  const recent = directory.filter((d) => d.movedFrom);
  $("#moves").replaceChildren(
    ...recent.map((d) => el("li", { text: t("guide.movedRecently", { section: local(d.name), from: floorName(d.movedFrom.floor), floor: place(d.floor, d.area) }) })),
    ...coming.map((r) => el("li", { "data-relocation": r.id, text: t("guide.movesOnSection", { date: dateText(r.effectiveFrom), section: local(names.get(r.sectionId)?.name) || r.sectionId, floor: place(r.toFloor, r.toArea) }) })));
  $("#no-moves").hidden = recent.length + coming.length > 0;
}

async function loadOffice() {
  const [offices, services] = await Promise.all([api("/api/offices"), api(`/api/offices/${encodeURIComponent(officeId)}/services`)]);
  state.office = offices.find((o) => o.id === officeId);
  state.services = services;
  $("#office-name").textContent = local(state.office?.name);
}

async function showConsole() {
  $("#login").hidden = true; $("#console").hidden = false; $("#logout").hidden = false;
  await loadOffice();
  await Promise.all([loadWaiting(), loadMoves()]);
  state.connection ??= connectLobby({
    handlers: {
      QueueUpdated: () => loadWaiting().catch(() => {}),
      Notice: () => Promise.all([loadOffice(), loadMoves()]).catch(() => {}),
    },
    onConnected: async (connection) => {
      await connection.invoke("Subscribe", officeId, null);
      await loadWaiting();
      document.body.dataset.ready = "true";
    },
  });
}

async function main() {
  await setLanguage(preferredLanguage("ja"));
  languageSwitch($("#languages"), () => { renderResults(); loadMoves().catch(() => {}); loadWaiting().catch(() => {}); });
  $("#print-link").href = `/floor-guide/${encodeURIComponent(officeId)}`;
  bindSignIn(async (token) => { state.token = token; await showConsole(); });
  $("#logout").addEventListener("click", () => logout());
  $("#search-form").addEventListener("submit", search);
  $("#q").addEventListener("input", () => { clearTimeout(state.typing); state.typing = setTimeout(search, 250); });
  $("#number-form").addEventListener("submit", findByNumber);
  $("#move").addEventListener("click", move);
  const scanner = createScanner({
    video: $("#camera"),
    onText: scanned,
    onStop: () => { $("#scanner").hidden = true; $("#scan").setAttribute("aria-expanded", "false"); },
  });
  $("#scan").addEventListener("click", async () => {
    $("#redirect-error").textContent = "";
    $("#scanner").hidden = false;
    if (!(await scanner.start())) { $("#scanner").hidden = true; $("#redirect-error").textContent = t("kiosk.booking.noCamera"); return; }
    $("#scan").setAttribute("aria-expanded", "true");
  });
  $("#scan-stop").addEventListener("click", () => scanner.stop());
  if (state.token) { try { await showConsole(); return; } catch { /* sign in again */ } }
  showLogin();
}

main();
