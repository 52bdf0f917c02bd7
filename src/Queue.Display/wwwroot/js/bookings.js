// Bookings (/bookings, staff): a service's bookings on a day (checked in, late, no-show) and, at the ward office, a
// section's appointments at the branches' consultation rooms. Refreshes every 30 s.
import { $, api, ApiError, bindSignIn, el, LANGUAGES, languageSwitch, local, officeLanguage, savedToken, setLanguage, signOut, t, timeOf } from "./common.js";

const STAFF_LANGUAGES = LANGUAGES.filter((l) => l.code === "ja" || l.code === "en");
const state = { token: savedToken(), offices: [], services: [], sections: [], officeId: localStorage.getItem("cq.staff.office"), timer: 0, load: 0 };
window.cqBookings = state;
const tokyoDate = (d = new Date()) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(d);

async function authed(path) {
  try {
    return await api(path, { token: state.token });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { logout(); throw new ApiError(401, { title: t("staff.loginFailed") }); }
    throw e;
  }
}

function showLogin() { $("#login").hidden = false; $("#lists").hidden = true; $("#logout").hidden = true; $("#username").focus(); }
function logout() { state.token = null; signOut(); clearInterval(state.timer); showLogin(); }

async function showLists() {
  $("#login").hidden = true; $("#lists").hidden = false; $("#logout").hidden = false;
  state.offices = await api("/api/offices");
  if (!state.offices.some((o) => o.id === state.officeId)) state.officeId = state.offices[0]?.id;
  $("#office").replaceChildren(...state.offices.map((o) => el("option", { value: o.id, text: local(o.name), selected: o.id === state.officeId })));
  if (!$("#date").value) $("#date").value = tokyoDate();
  await loadOffice();
  clearInterval(state.timer);
  state.timer = setInterval(() => refresh().catch(() => {}), 30000);
}

/** Loads the chosen office's lists; a load overtaken by another choice of office stops without drawing anything. */
async function loadOffice() {
  const load = ++state.load;
  const stale = () => load !== state.load;
  const services = await api(`/api/offices/${encodeURIComponent(state.officeId)}/services`);
  if (stale()) return;
  state.services = services.filter((s) => s.bookable);
  $("#service").replaceChildren(...state.services.map((s) => el("option", { value: s.id, text: local(s.name) })));
  $("#service-label").hidden = state.services.length === 0;
  $("#day-card").hidden = state.services.length === 0;
  $("#counts").hidden = state.services.length === 0;
  // A ward office's sections that travel to the branches: every section that some branch consultation names.
  const sections = new Map();
  for (const office of state.offices) {
    if (office.id === state.officeId) continue;
    const bookable = (await api(`/api/offices/${encodeURIComponent(office.id)}/services`).catch(() => [])).filter((s) => s.bookable);
    for (const s of bookable) {
      const info = await api(`/api/offices/${encodeURIComponent(office.id)}/services/${encodeURIComponent(s.id)}/booking`).catch(() => null);
      if (info?.consultation?.wardOfficeId !== state.officeId) continue;
      for (const topic of info.consultation.topics) sections.set(topic.sectionId, topic.name);
    }
  }
  if (stale()) return;
  state.sections = [...sections];
  $("#appointments-card").hidden = state.sections.length === 0;
  $("#section").replaceChildren(...state.sections.map(([id, name]) => el("option", { value: id, text: local(name) })));
  localStorage.setItem("cq.staff.office", state.officeId);
  await refresh();
}

/** Booked, late (after its start, not yet checked in), checked in, no-show, cancelled. */
function statusOf(item) {
  return item.late ? "late" : item.booking.status;
}

async function refresh() {
  $("#error").textContent = "";
  const date = $("#date").value || tokyoDate();
  try {
    const serviceId = $("#service").value;
    const list = serviceId
      ? await authed(`/api/offices/${encodeURIComponent(state.officeId)}/services/${encodeURIComponent(serviceId)}/bookings?date=${date}`)
      : [];
    $("#none").hidden = list.length > 0;
    $("#day").hidden = list.length === 0;
    const counts = {};
    for (const item of list) counts[statusOf(item)] = (counts[statusOf(item)] ?? 0) + 1;
    $("#counts").textContent = ["booked", "late", "checkedIn", "noShow", "cancelled"]
      .map((s) => `${t(`bookings.status.${s}`)} ${counts[s] ?? 0}`).join("　");
    $("#day tbody").replaceChildren(...list.map((item) => {
      const b = item.booking;
      const status = statusOf(item);
      const contact = item.contact ? [item.contact.name, item.contact.phone, item.contact.email].filter(Boolean).join(" / ") : "";
      return el("tr", { "data-booking": b.bookingId },
        el("td", { text: `${timeOf(b.start)}–${timeOf(b.end)}` }),
        el("td", { class: "number", text: b.code }),
        el("td", {}, el("span", { class: "status", "data-status": status, text: t(`bookings.status.${status}`) }),
          item.checkedInAt ? ` ${timeOf(item.checkedInAt)}${item.servedFromSlot ? "" : ` (${t("bookings.walkIn")})`}` : ""),
        el("td", { text: b.roomId ?? "" }),
        el("td", { text: contact }));
    }));
    const sectionId = $("#section").value;
    if (!$("#appointments-card").hidden && sectionId) {
      const appointments = await authed(`/api/offices/${encodeURIComponent(state.officeId)}/sections/${encodeURIComponent(sectionId)}/appointments?date=${date}`);
      $("#no-appointments").hidden = appointments.length > 0;
      $("#appointments").hidden = appointments.length === 0;
      $("#appointments tbody").replaceChildren(...appointments.map((a) => el("tr", {},
        el("td", { text: `${timeOf(a.start)}–${timeOf(a.end)}` }),
        el("td", { text: local(a.branchName) || a.branchOfficeId }),
        el("td", { text: local(a.roomName) || a.roomId || "" }),
        el("td", { class: "number", text: a.code ?? "" }))));
    }
    document.body.dataset.ready = "true";
  } catch (e) {
    $("#error").textContent = e.message;
  }
}

async function main() {
  await setLanguage(officeLanguage());
  languageSwitch($("#languages"), () => refresh(), STAFF_LANGUAGES);
  bindSignIn(async (token) => { state.token = token; await showLists(); });
  $("#logout").addEventListener("click", logout);
  $("#office").addEventListener("change", async (e) => { state.officeId = e.target.value; await loadOffice(); });
  $("#service").addEventListener("change", refresh);
  $("#section").addEventListener("change", refresh);
  $("#date").addEventListener("change", refresh);
  if (state.token) await showLists(); else showLogin();
}

main();
