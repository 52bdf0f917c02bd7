// Kiosk (/kiosk/{officeId}[?print=off]): choose a service, get a numbered ticket with a QR code to the phone page.
import qrcode from "/assets/lib/qrcode/qrcode.mjs";
import { createScanner } from "./scan.js";
import { $, api, connectLobby, el, floorName, languageSwitch, local, officeLanguage, randomKey, setLanguage, t, timeOf } from "./common.js";

const officeId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const params = new URLSearchParams(location.search);
// Set up once as a registered kiosk: /kiosk/{office}?kiosk-key=… keeps the key on this device and takes it out of the address.
if (params.get("kiosk-key")) {
  localStorage.setItem("cq.kioskKey", params.get("kiosk-key"));
  params.delete("kiosk-key");
  history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
}
const autoPrint = params.get("print") !== "off";
const BACK_TO_START_MS = 45000;

const state = { office: null, services: new Map(), notices: [], assisted: false, busy: false, ticket: null, timer: 0 };
window.cqKiosk = state;

function renderServices() {
  $("#office-name").textContent = local(state.office?.name);
  renderNotices();
  const buttons = [...state.services.values()].filter((s) => !s.temporary || s.open).map((s) => {
    const button = el("button", {
      type: "button", class: "service-button", "data-service": s.id, disabled: !s.open || state.busy,
      onclick: () => issue(s),
    },
      el("span", { class: "name" }, el("span", { class: "prefix", "aria-hidden": "true", text: s.ticketPrefix }), local(s.name)),
      el("span", { class: "meta" },
        el("span", { text: floorName(s.floor) }),
        el("span", { text: s.open ? `${t("kiosk.waiting", { n: s.waiting })}・${t("kiosk.estimate", { n: s.estimatedWaitMinutes })}` : t("kiosk.notAccepting") })));
    return el("div", { role: "listitem" }, button);
  });
  // Only an office with a bookable service offers check-in by booking code.
  $("#booking").hidden = ![...state.services.values()].some((s) => s.bookable);
  // Keep a keyboard user's place when live counts redraw the buttons.
  const focused = document.activeElement?.dataset?.service;
  $("#services").replaceChildren(...buttons);
  if (focused) $(`#services [data-service="${CSS.escape(focused)}"]`)?.focus();
}

/** Moves coming up (移転のお知らせ) and temporary counters open, in the visitor's language. */
function renderNotices() {
  $("#notices").replaceChildren(...state.notices.map((n) => el("li", { "data-kind": n.kind, text: local(n.text) })));
  $("#notices").hidden = state.notices.length === 0;
}

async function loadServices() {
  const [offices, services, notices] = await Promise.all([
    api("/api/offices"), api(`/api/offices/${encodeURIComponent(officeId)}/services`),
    api(`/api/offices/${encodeURIComponent(officeId)}/notices`).catch(() => []),
  ]);
  state.notices = notices;
  renderNotices();
  state.office = offices.find((o) => o.id === officeId);
  $("#office-name").textContent = local(state.office?.name);
  state.services = new Map(services.map((s) => [s.id, s]));
  renderServices();
}

/** Issues a ticket. A retry after a network blip reuses the same Idempotency-Key: never two tickets. */
async function issue(service) {
  if (state.busy) return;
  state.busy = true;
  renderServices();
  $("#message").textContent = "";
  $("#live").textContent = t("kiosk.issuing");
  const key = randomKey();
  const body = { serviceId: service.id, priority: state.assisted ? "assisted" : "normal", language: document.documentElement.lang };
  try {
    let ticket;
    // The same Idempotency-Key on every attempt: a retry never prints two. Tried again after a network failure, and after
    // "briefly unavailable" (503: a host restarting, the store unable to write) when the server says to wait a little.
    for (let attempt = 0; ; attempt++) {
      try {
        ticket = await api(`/api/offices/${encodeURIComponent(officeId)}/tickets`, { method: "POST", body, headers: { "Idempotency-Key": key } });
        break;
      } catch (e) {
        const unavailable = e.status === 503 && e.retryAfter !== null && e.retryAfter <= 10 && attempt < 2;
        if (!(e.status === 0 && attempt < 3) && !unavailable) throw e;
        await new Promise((r) => setTimeout(r, unavailable ? Math.min(e.retryAfter, 2) * 1000 : 700 * (attempt + 1)));
      }
    }
    showTicket(ticket, service);
  } catch (e) {
    $("#message").textContent = `${t("kiosk.failed")}: ${e.message}`;
    await loadServices().catch(() => {});
  } finally {
    state.busy = false;
    renderServices();
  }
}

/** A visitor with a booking types its code: the booking becomes a ticket (served from its slot start if on time). */
async function checkIn(event) {
  event?.preventDefault();
  if (state.busy) return;
  const code = $("#booking-code").value.trim();
  if (!code) return;
  state.busy = true;
  $("#message").textContent = "";
  try {
    const result = await api(`/api/offices/${encodeURIComponent(officeId)}/bookings/check-in`, { method: "POST", body: { code } });
    $("#booking-code").value = "";
    const service = state.services.get(result.ticket.serviceId) ?? { name: result.ticket.serviceName };
    showTicket(result.ticket, service, result.outcome === "walkIn"
      ? t("kiosk.booking.walkIn")
      : result.outcome === "early" ? t("kiosk.booking.early", { time: timeOf(result.booking.start) }) : t("kiosk.booking.onTime"));
  } catch (e) {
    $("#message").textContent = `${t("kiosk.booking.failed")}: ${e.message}`;
  } finally {
    state.busy = false;
    renderServices();
  }
}

/**
 * The booking's QR code (its page's address with ?code=, or the bare code) shown to the kiosk's camera: the first
 * code read is checked in. The camera stops after 60 s or when the visitor stops it.
 */
let scanner = null;

async function startScan() {
  $("#message").textContent = "";
  scanner ??= createScanner({
    video: $("#camera"),
    facingMode: "user", // the kiosk's camera looks at the visitor
    onText: (text) => {
      const code = codeFromQr(text);
      if (!code) { $("#message").textContent = t("kiosk.booking.notACode"); return; }
      $("#booking-code").value = code;
      checkIn();
    },
    onStop: () => { $("#scanner").hidden = true; $("#scan").setAttribute("aria-expanded", "false"); },
  });
  $("#scanner").hidden = false;
  if (!(await scanner.start())) {
    $("#scanner").hidden = true;
    $("#message").textContent = t("kiosk.booking.noCamera");
    return;
  }
  $("#scan").setAttribute("aria-expanded", "true");
  $("#live").textContent = t("kiosk.booking.scanHint");
}

function stopScan() {
  scanner?.stop();
  $("#scanner").hidden = true;
}

/** The booking code in a scanned QR code: the booking page's address (…/book/{office}?code=…) or the code alone. */
function codeFromQr(text) {
  try {
    const url = new URL(text);
    return url.searchParams.get("code");
  } catch {
    return /^[A-Za-z0-9 -]{8,12}$/.test(text.trim()) ? text.trim() : null;
  }
}

function showTicket(ticket, service, booked = null) {
  state.ticket = ticket;
  $("#t-booked").hidden = booked === null;
  $("#t-booked").textContent = booked ?? "";
  const phoneUrl = `${location.origin}/t/${encodeURIComponent(ticket.ticketId)}`;
  $("#t-office").textContent = local(state.office?.name);
  $("#t-number").textContent = ticket.number;
  $("#t-assisted").hidden = ticket.priority !== "assisted";
  $("#t-service").textContent = local(service.name);
  $("#t-floor").textContent = t("kiosk.goToFloor", { floor: floorName(ticket.floor) });
  $("#t-ahead").textContent = t("kiosk.ahead", { n: ticket.position });
  $("#t-estimate").textContent = t("kiosk.estimateLong", { n: ticket.estimatedWaitMinutes });
  $("#t-time").textContent = t("kiosk.issuedAt", { time: timeOf(ticket.issuedAt) });
  const qr = qrcode(0, "M");
  qr.addData(phoneUrl);
  qr.make();
  const img = el("img", { src: qr.createDataURL(4, 2), alt: phoneUrl, "data-url": phoneUrl });
  $("#t-qr").replaceChildren(img);
  $("#choose").hidden = true;
  $("#ticket").hidden = false;
  $("#ticket-heading").setAttribute("tabindex", "-1");
  $("#ticket-heading").focus();
  $("#live").textContent = `${t("kiosk.yourNumber")} ${ticket.number}`;
  if (autoPrint) setTimeout(() => window.print(), 300);
  clearTimeout(state.timer);
  state.timer = setTimeout(backToStart, BACK_TO_START_MS);
}

function backToStart() {
  clearTimeout(state.timer);
  stopScan();
  state.ticket = null;
  state.assisted = false;
  $("#assisted").setAttribute("aria-pressed", "false");
  $("#ticket").hidden = true;
  $("#choose").hidden = false;
  $("#live").textContent = "";
  // The next visitor may speak another language: go back to the office's default.
  sessionStorage.removeItem("cq.lang");
  setLanguage("ja").then(() => { markLanguage(); renderServices(); });
  $("#services button:not(:disabled)")?.focus();
}

let markLanguage = () => {};

async function main() {
  await setLanguage(officeLanguage());
  markLanguage = languageSwitch($("#languages"), () => renderServices());
  // Read the services again every minute: a service starts taking tickets when the office opens (and a new day starts with
  // empty lines) with no event to say so.
  setInterval(() => { if (!state.busy) loadServices().catch(() => {}); }, 60_000);
  $("#assisted").addEventListener("click", () => {
    state.assisted = !state.assisted;
    $("#assisted").setAttribute("aria-pressed", String(state.assisted));
    $("#live").textContent = state.assisted ? t("kiosk.assistedOn") : "";
  });
  $("#print-again").addEventListener("click", () => window.print());
  $("#booking").addEventListener("submit", checkIn);
  $("#scan").addEventListener("click", startScan);
  $("#scan-stop").addEventListener("click", stopScan);
  $("#done").addEventListener("click", backToStart);
  try {
    await loadServices();
  } catch (e) {
    $("#message").textContent = e.status === 404 ? t("kiosk.unknownOffice") : e.message;
    return;
  }
  connectLobby({
    handlers: {
      QueueUpdated: (u) => {
        const s = state.services.get(u.serviceId);
        if (!s) return;
        s.waiting = u.waiting; s.estimatedWaitMinutes = u.estimatedWaitMinutes;
        renderServices();
      },
      // A counter opening or closing changes which services take tickets (and temporary counters appear).
      CounterChanged: () => loadServices().catch(() => {}),
      // A move (移転) or a temporary counter: the notices and the floors change.
      Notice: () => loadServices().catch(() => {}),
    },
    onConnected: async (connection) => {
      await connection.invoke("Subscribe", officeId, null);
      await loadServices();
      document.body.dataset.ready = "true";
    },
  });
}

main();
