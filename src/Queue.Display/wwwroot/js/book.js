// Booking page (/book[/{officeId}][?code=]): office → service → (topic) → date → slot → optional contact → a code,
// its QR code and a calendar file; a booking is found again and cancelled by its code.
import qrcode from "/assets/lib/qrcode/qrcode.mjs";
import { $, api, el, floorName, language, languageSwitch, local, preferredLanguage, randomKey, setLanguage, t, timeOf } from "./common.js";

const params = new URLSearchParams(location.search);
const pathOffice = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const state = {
  offices: [], services: new Map(), office: null, service: null, info: null, topic: null,
  date: null, slots: [], slot: null, booking: null, key: randomKey(), busy: false,
};
window.cqBook = state;

const tokyoDate = (d = new Date()) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(d);
const addDays = (iso, n) => { const d = new Date(`${iso}T12:00:00+09:00`); d.setUTCDate(d.getUTCDate() + n); return tokyoDate(d); };
const longDate = (iso) => new Intl.DateTimeFormat(language(), { timeZone: "Asia/Tokyo", year: "numeric", month: "long", day: "numeric", weekday: "long" })
  .format(new Date(`${iso}T12:00:00+09:00`));
const slotText = (s) => `${timeOf(s.start)}–${timeOf(s.end)}`;

function choice(label, pressed, onclick, attributes = {}) {
  return el("button", { type: "button", "aria-pressed": String(pressed), onclick, ...attributes }, ...[].concat(label));
}

function render() {
  $("#offices").replaceChildren(...state.offices.map((o) => choice(local(o.name), state.office?.id === o.id, () => chooseOffice(o), { "data-office": o.id })));
  const services = state.office ? state.services.get(state.office.id) ?? [] : [];
  $("#step-service").hidden = !state.office;
  $("#no-services").hidden = services.length > 0;
  $("#services").replaceChildren(...services.map((s) => choice(local(s.name), state.service?.id === s.id, () => chooseService(s), { "data-service": s.id })));
  const consultation = state.info?.consultation;
  $("#step-topic").hidden = !consultation;
  if (consultation) {
    $("#topic-note").textContent = t("book.topicNote", { ward: local(consultation.wardOfficeName) });
    $("#topics").replaceChildren(...consultation.topics.map((c) => choice(local(c.name), state.topic === c.sectionId, () => chooseTopic(c.sectionId), { "data-topic": c.sectionId })));
    $("#room-list").replaceChildren(...consultation.rooms.map((r) => el("li", {},
      el("strong", { text: `${local(r.name)}（${t("book.seats", { n: r.seats })}）` }), " ", local(r.privacyNote))));
  }
  $("#step-date").hidden = !state.info || (consultation && !state.topic);
  if (state.date) {
    $("#date").value = state.date;
    $("#day-label").textContent = longDate(state.date);
  }
  $("#prev-day").disabled = !state.date || state.date <= tokyoDate();
  $("#no-slots").hidden = state.slots.some((s) => s.remaining > 0);
  $("#slots").replaceChildren(...state.slots.filter((s) => new Date(s.end) > new Date()).map((s) => {
    const full = s.remaining <= 0;
    return choice([slotText(s), el("span", { class: "left", text: full ? t("book.full") : t("book.left", { n: s.remaining }) })],
      state.slot?.start === s.start, () => chooseSlot(s), { disabled: full, "data-start": s.start });
  }));
  $("#step-contact").hidden = !state.slot;
  if (state.slot) {
    $("#summary").textContent = t("book.summary", {
      office: local(state.office.name), service: local(state.service.name), date: longDate(state.date), time: slotText(state.slot),
    });
  }
  $("#manage-office").replaceChildren(...state.offices.map((o) => el("option", { value: o.id, selected: (state.office ?? state.offices[0])?.id === o.id, text: local(o.name) })));
  if (state.booking) renderBooking();
}

async function chooseOffice(office) {
  state.office = office; state.service = null; state.info = null; state.topic = null; state.slot = null; state.slots = [];
  render();
  const only = state.services.get(office.id) ?? [];
  if (only.length === 1) await chooseService(only[0]);
}

async function chooseService(service) {
  state.service = service; state.topic = null; state.slot = null; state.slots = [];
  state.info = await api(`/api/offices/${encodeURIComponent(state.office.id)}/services/${encodeURIComponent(service.id)}/booking`);
  render();
  if (!state.info.consultation) await firstOpenDay();
}

async function chooseTopic(sectionId) {
  state.topic = sectionId; state.slot = null;
  render();
  await firstOpenDay();
}

/** Starts on the first day (within two weeks) with a place left, so nobody pages through closed days. */
async function firstOpenDay() {
  let date = tokyoDate();
  for (let i = 0; i < 14; i++, date = addDays(date, 1)) {
    if (await loadSlots(date)) return;
  }
  await loadSlots(tokyoDate());
}

async function loadSlots(date) {
  state.date = date; state.slot = null;
  $("#error").textContent = "";
  const query = new URLSearchParams({ date });
  if (state.topic) query.set("sectionId", state.topic);
  try {
    state.slots = await api(`/api/offices/${encodeURIComponent(state.office.id)}/services/${encodeURIComponent(state.service.id)}/slots?${query}`);
  } catch (e) {
    state.slots = [];
    $("#error").textContent = e.message;
  }
  render();
  return state.slots.some((s) => s.remaining > 0);
}

function chooseSlot(slot) {
  state.slot = slot;
  render();
  $("#contact-name").focus();
}

/** Books the chosen slot; a retry after a network blip sends the same Idempotency-Key, so never two bookings. */
async function book(event) {
  event.preventDefault();
  if (state.busy || !state.slot) return;
  state.busy = true;
  $("#book").disabled = true;
  $("#error").textContent = "";
  const contact = { name: $("#contact-name").value.trim(), phone: $("#contact-phone").value.trim(), email: $("#contact-email").value.trim() };
  const body = {
    officeId: state.office.id, serviceId: state.service.id, start: state.slot.start, language: language(),
    sectionId: state.topic ?? undefined,
    contact: contact.name || contact.phone || contact.email ? contact : undefined,
  };
  try {
    state.booking = await api("/api/bookings", { method: "POST", body, headers: { "Idempotency-Key": state.key } });
    state.key = randomKey();
    showBooking();
  } catch (e) {
    $("#error").textContent = `${t("book.failed")}: ${e.message}`;
    if (e.status === 409) { state.key = randomKey(); await loadSlots(state.date); }
  } finally {
    state.busy = false;
    $("#book").disabled = false;
  }
}

function showBooking() {
  $("#form").hidden = true;
  $("#done").hidden = false;
  renderBooking();
  $("#done-heading").focus();
}

function renderBooking() {
  const b = state.booking;
  const office = state.offices.find((o) => o.id === b.officeId);
  const service = (state.services.get(b.officeId) ?? []).find((s) => s.id === b.serviceId);
  $("#code").textContent = b.code;
  $("#done-when").textContent = `${longDate(tokyoDate(new Date(b.start)))} ${slotText(b)}`;
  $("#done-where").textContent = [local(office?.name), local(service?.name), service?.floor ? floorName(service.floor) : ""].filter(Boolean).join(" ・ ");
  const room = state.info?.consultation?.rooms.find((r) => r.roomId === b.roomId);
  $("#done-room").hidden = !b.roomId;
  $("#done-room").textContent = b.roomId ? t("book.room", { room: room ? local(room.name) : b.roomId }) : "";
  const url = `${location.origin}/book/${encodeURIComponent(b.officeId)}?code=${encodeURIComponent(b.code)}`;
  const qr = qrcode(0, "M");
  qr.addData(url);
  qr.make();
  $("#qr").replaceChildren(el("img", { src: qr.createDataURL(6, 2), alt: t("book.qrAlt", { code: b.code }), "data-url": url }));
  $("#calendar").href = `/api/bookings/${encodeURIComponent(b.bookingId)}/calendar`;
  const cancellable = b.status === "booked";
  $("#cancel").hidden = !cancellable;
  $("#done-status").textContent = t(`book.status.${b.status}`);
}

async function cancel() {
  $("#confirm").close();
  try {
    await api(`/api/bookings/${encodeURIComponent(state.booking.bookingId)}`, { method: "DELETE" });
    state.booking = await api(`/api/bookings/${encodeURIComponent(state.booking.bookingId)}`);
    renderBooking();
    $("#done-status").focus?.();
  } catch (e) {
    $("#done-status").textContent = e.message;
  }
}

async function findByCode(officeId, code) {
  try {
    state.booking = await api(`/api/offices/${encodeURIComponent(officeId)}/bookings/by-code/${encodeURIComponent(code)}`);
    const service = (state.services.get(officeId) ?? []).find((s) => s.id === state.booking.serviceId);
    state.info = service ? await api(`/api/offices/${encodeURIComponent(officeId)}/services/${encodeURIComponent(service.id)}/booking`).catch(() => null) : null;
    showBooking();
  } catch (e) {
    $("#error").textContent = e.status === 404 ? t("book.notFound") : e.message;
    $("#form").hidden = false;
    $("#error").scrollIntoView?.();
  }
}

function startOver() {
  state.booking = null; state.slot = null;
  $("#done").hidden = true;
  $("#form").hidden = false;
  $("#form").reset();
  if (state.office && state.service) loadSlots(state.date ?? tokyoDate()); else render();
}

async function main() {
  await setLanguage(preferredLanguage("ja"));
  languageSwitch($("#languages"), () => render());
  $("#form").addEventListener("submit", book);
  $("#date").addEventListener("change", () => { if ($("#date").value) loadSlots($("#date").value); });
  $("#prev-day").addEventListener("click", () => loadSlots(addDays(state.date, -1)));
  $("#next-day").addEventListener("click", () => loadSlots(addDays(state.date, 1)));
  $("#cancel").addEventListener("click", () => $("#confirm").showModal());
  $("#confirm-no").addEventListener("click", () => $("#confirm").close());
  $("#confirm-yes").addEventListener("click", cancel);
  $("#again").addEventListener("click", startOver);
  $("#manage").addEventListener("submit", (e) => { e.preventDefault(); const code = $("#manage-code").value.trim(); if (code) findByCode($("#manage-office").value, code); });
  $("#date").min = tokyoDate();
  $("#date").max = addDays(tokyoDate(), 180);

  const offices = await api("/api/offices");
  const withServices = await Promise.all(offices.map(async (o) => {
    const services = await api(`/api/offices/${encodeURIComponent(o.id)}/services`).catch(() => []);
    return [o, services.filter((s) => s.bookable)];
  }));
  state.offices = withServices.filter(([, s]) => s.length > 0).map(([o]) => o);
  for (const [o, s] of withServices) state.services.set(o.id, s);
  render();
  const office = state.offices.find((o) => o.id === pathOffice);
  if (params.get("code") && pathOffice) await findByCode(pathOffice, params.get("code"));
  else if (office) await chooseOffice(office);
  document.body.dataset.ready = "true";
}

main().catch((e) => { $("#error").textContent = e.message; });
