// Administration (/admin): schedule and cancel temporary counters (臨時窓口), set services' booking slots (予約枠). Needs an admin account.
import { $, api, ApiError, bindSignIn, el, LANGUAGES, languageSwitch, local, officeLanguage, randomKey, savedToken, setLanguage, signOut, t } from "./common.js";

const state = { token: savedToken(), offices: [], procedures: [], schedules: [] };

function showLogin(message = "") {
  $("#login").hidden = false; $("#console").hidden = true; $("#logout").hidden = true;
  $("#login-error").textContent = message;
}

async function authed(path, options = {}) {
  try {
    return await api(path, { ...options, token: state.token });
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) { signOut(); state.token = null; showLogin(t("admin.adminOnly")); }
    throw e;
  }
}

function sessionRow(date = "", opens = "09:00", closes = "16:00") {
  const row = el("div", { class: "session-row" },
    el("label", {}, el("span", { text: t("admin.date") }), el("input", { type: "date", name: "date", value: date, required: true })),
    el("label", {}, el("span", { text: t("admin.opens") }), el("input", { type: "time", name: "opens", value: opens, required: true })),
    el("label", {}, el("span", { text: t("admin.closes") }), el("input", { type: "time", name: "closes", value: closes, required: true })));
  row.append(el("button", { type: "button", class: "quiet", text: t("admin.removeSession"), onclick: () => row.remove() }));
  return row;
}

function renderSchedules() {
  $("#schedules tbody").replaceChildren(...state.schedules.map((s) => el("tr", { "data-schedule": s.id },
    el("td", {}, local(s.procedureName), s.openNow ? el("span", { class: "badge", text: t("tc.openNow") }) : null),
    el("td", { text: local(s.officeName) }),
    el("td", { text: s.sessions.map((x) => `${x.date} ${x.opens}–${x.closes}`).join(", ") }),
    el("td", {}, el("button", { type: "button", class: "danger", text: t("admin.cancelSchedule"), onclick: () => cancel(s) })))));
}

async function load() {
  [state.offices, state.procedures, state.schedules] = await Promise.all([
    api("/api/offices"), api("/api/temporary-procedures"), api("/api/temporary-counters"),
  ]);
  const [office, procedure] = [$("#office").value, $("#procedure").value]; // keep the choice across a reload
  $("#office").replaceChildren(...state.offices.map((o) => el("option", { value: o.id, text: local(o.name), selected: o.id === office })));
  $("#procedure").replaceChildren(...state.procedures.map((p) => el("option", { value: p.id, text: local(p.name), selected: p.id === procedure })));
  renderSchedules();
}

async function cancel(schedule) {
  if (!confirm(t("admin.confirmCancel"))) return;
  try {
    await authed(`/api/temporary-counters/${encodeURIComponent(schedule.id)}`, { method: "DELETE" });
    $("#feedback").textContent = t("admin.cancelled");
    await load();
  } catch (e) { $("#error").textContent = e.message; }
}

// Choosing another office loads its settings into a form: until they arrive its fields are disabled (what is typed meanwhile
// would be overwritten), and only the latest choice's answer is used (an earlier, slower one gives undefined). The form
// then carries the office's id (data-office) and loses aria-busy.
const latestLoad = new Map();
async function loadLatest(form, fields, officeId, request) {
  const load = (latestLoad.get(form) ?? 0) + 1;
  latestLoad.set(form, load);
  const latest = () => latestLoad.get(form) === load;
  $(form).setAttribute("aria-busy", "true");
  for (const field of fields) $(field).disabled = true;
  let result;
  try {
    result = await request();
  } finally {
    if (latest()) {
      $(form).removeAttribute("aria-busy");
      for (const field of fields) $(field).disabled = false;
    }
  }
  if (!latest()) return undefined;
  $(form).dataset.office = officeId;
  return result;
}

// ---- booking slots (予約枠): a service's slot length, places, horizon, cut-off and blocked days
const slotState = { office: null };
const slotFields = ["#slot-service", "#slot-bookable", "#slot-minutes", "#slot-capacity", "#slot-horizon", "#slot-cutoff", "#slot-blocked", "#slot-save"];

async function loadSlotOffice() {
  const officeId = $("#slot-office").value;
  if (!officeId) return;
  const office = await loadLatest("#slots", slotFields, officeId, () => authed(`/api/admin/offices/${encodeURIComponent(officeId)}`));
  if (!office) return; // another office was chosen meanwhile
  slotState.office = office;
  const chosen = $("#slot-service").value;
  $("#slot-service").replaceChildren(...slotState.office.services.map((s) => el("option", { value: s.id, text: local(s.name), selected: s.id === chosen })));
  showSlotPolicy();
}

function showSlotPolicy() {
  const service = slotState.office?.services.find((s) => s.id === $("#slot-service").value);
  if (!service) return;
  const policy = service.booking ?? { slotMinutes: 30, capacity: 2, horizonDays: 30, cutoffMinutes: 60, blockedDates: [] };
  $("#slot-bookable").checked = !!service.bookable;
  $("#slot-minutes").value = policy.slotMinutes;
  $("#slot-capacity").value = policy.capacity;
  $("#slot-horizon").value = policy.horizonDays;
  $("#slot-cutoff").value = policy.cutoffMinutes;
  $("#slot-blocked").value = (policy.blockedDates ?? []).join(", ");
  $("#slot-consultation").hidden = !policy.consultation;
  $("#slot-consultation").textContent = policy.consultation
    ? t("admin.consultation", { ward: policy.consultation.wardOfficeId, sections: policy.consultation.sectionIds.join(", "), rooms: slotState.office.rooms.length })
    : "";
  $("#slot-fields").hidden = !$("#slot-bookable").checked;
}

async function saveSlots(event) {
  event.preventDefault();
  $("#slot-feedback").textContent = ""; $("#slot-error").textContent = "";
  const officeId = $("#slot-office").value, serviceId = $("#slot-service").value;
  const path = `/api/admin/offices/${encodeURIComponent(officeId)}/services/${encodeURIComponent(serviceId)}/booking`;
  const service = slotState.office.services.find((s) => s.id === serviceId);
  try {
    if ($("#slot-bookable").checked) {
      const blockedDates = $("#slot-blocked").value.split(/[\s,、]+/).map((d) => d.trim()).filter(Boolean);
      const bad = blockedDates.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d);
      if (bad) { $("#slot-error").textContent = t("admin.badDate", { date: bad }); $("#slot-blocked").focus(); return; }
      await authed(path, {
        method: "PUT",
        body: {
          slotMinutes: Number($("#slot-minutes").value), capacity: Number($("#slot-capacity").value),
          horizonDays: Number($("#slot-horizon").value), cutoffMinutes: Number($("#slot-cutoff").value),
          blockedDates, consultation: service?.booking?.consultation ?? undefined,
        },
      });
    } else {
      await authed(path, { method: "DELETE" });
    }
    $("#slot-feedback").textContent = t("admin.saved");
    await loadSlotOffice();
  } catch (e) {
    $("#slot-error").textContent = e.message;
  }
}

// ---- relocations (移転): a section moves to another floor from a date and time
const relState = { office: null, list: [] };
const relFields = ["#rel-section", "#rel-floor", "#rel-area", "#rel-area-en", "#rel-date", "#rel-time", "#rel-note", "#rel-save"];

async function loadRelocations() {
  const officeId = $("#rel-office").value;
  if (!officeId) return;
  const loaded = await loadLatest("#relocations", relFields, officeId, () => Promise.all([
    authed(`/api/admin/offices/${encodeURIComponent(officeId)}`),
    api(`/api/offices/${encodeURIComponent(officeId)}/relocations`),
  ]));
  if (!loaded) return; // another office was chosen meanwhile
  const [office, list] = loaded;
  relState.office = office; relState.list = list;
  const chosen = $("#rel-section").value;
  $("#rel-section").replaceChildren(...office.sections.map((s) => el("option", { value: s.id, text: `${local(s.name)}（${s.floor}）`, selected: s.id === chosen })));
  const sectionName = (id) => local(office.sections.find((s) => s.id === id)?.name) || id;
  const now = Date.now();
  const when = (iso) => new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
  // The newest first: planned moves, then those done.
  $("#relocation-list tbody").replaceChildren(...[...list].reverse().map((r) => el("tr", { "data-relocation": r.id },
    el("td", { text: when(r.effectiveFrom) }),
    el("td", { text: sectionName(r.sectionId) }),
    el("td", { text: [r.toFloor, local(r.toArea)].filter(Boolean).join(" ") }),
    el("td", {}, new Date(r.effectiveFrom).getTime() > now
      ? el("button", { type: "button", class: "danger", text: t("admin.cancelRelocation"), onclick: () => cancelRelocation(r) })
      : el("span", { class: "hint", text: t("admin.inEffect") })))));
}

async function saveRelocation(event) {
  event.preventDefault();
  $("#rel-feedback").textContent = ""; $("#rel-error").textContent = "";
  const areaJa = $("#rel-area").value.trim(), areaEn = $("#rel-area-en").value.trim(), note = $("#rel-note").value.trim();
  try {
    await authed(`/api/offices/${encodeURIComponent($("#rel-office").value)}/relocations`, {
      method: "POST",
      body: {
        sectionId: $("#rel-section").value, toFloor: $("#rel-floor").value.trim(),
        toArea: areaJa ? { ja: areaJa, en: areaEn || areaJa } : undefined,
        effectiveFrom: `${$("#rel-date").value}T${$("#rel-time").value}:00+09:00`,
        note: note ? { ja: note, en: note } : undefined,
      },
    });
    $("#rel-feedback").textContent = t("admin.saved");
    await loadRelocations();
  } catch (e) {
    $("#rel-error").textContent = e.problem?.detail ? `${e.message}: ${e.problem.detail}` : e.message;
  }
}

async function cancelRelocation(r) {
  if (!confirm(t("admin.confirmCancelRelocation"))) return;
  try {
    await authed(`/api/offices/${encodeURIComponent($("#rel-office").value)}/relocations/${encodeURIComponent(r.id)}`, { method: "DELETE" });
    $("#rel-feedback").textContent = t("admin.cancelled");
    await loadRelocations();
  } catch (e) { $("#rel-error").textContent = e.message; }
}

// ---- a branch's remote consultation booth (オンライン相談): hours set in advance, the busy threshold, the video link
const boothState = { office: null };
const boothFields = ["#booth-opens", "#booth-closes", "#booth-busy", "#booth-video", "#booth-save"];

async function loadBooth() {
  const officeId = $("#booth-office").value;
  if (!officeId) return;
  boothState.office = null;
  const office = await loadLatest("#booth", boothFields, officeId, () => authed(`/api/admin/offices/${encodeURIComponent(officeId)}`));
  if (!office) return; // another branch was chosen meanwhile
  boothState.office = office;
  const policy = office.remoteConsultation;
  $("#booth-opens").value = policy?.hours?.weekdays?.opens ?? "09:00";
  $("#booth-closes").value = policy?.hours?.weekdays?.closes ?? "16:00";
  $("#booth-busy").value = policy?.busyWhenWaiting ?? 5;
  $("#booth-video").value = policy?.videoUrl ?? "";
  $("#booth-topics").textContent = policy ? t("admin.boothTopics", { n: policy.topics.length, ward: policy.wardOfficeId }) : t("admin.noBooth");
  for (const field of boothFields) $(field).disabled = !policy;
}

async function saveBooth(event) {
  event.preventDefault();
  $("#booth-feedback").textContent = ""; $("#booth-error").textContent = "";
  const policy = boothState.office?.remoteConsultation;
  if (!policy) return;
  const video = $("#booth-video").value.trim();
  try {
    await authed(`/api/admin/offices/${encodeURIComponent(boothState.office.id)}/remote-consultation`, {
      method: "PUT",
      body: {
        ...policy,
        hours: { ...policy.hours, weekdays: { opens: $("#booth-opens").value, closes: $("#booth-closes").value } },
        busyWhenWaiting: Number($("#booth-busy").value),
        videoUrl: video || null,
      },
    });
    $("#booth-feedback").textContent = t("admin.saved");
    await loadBooth();
  } catch (e) { $("#booth-error").textContent = e.message; }
}

// ---- backups of the store (バックアップ): the list, newest first, and one taken now

async function loadBackups() {
  const list = await authed("/api/admin/backups");
  const when = (iso) => new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", dateStyle: "medium", timeStyle: "medium" }).format(new Date(iso));
  const size = (bytes) => bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
  $("#backup-list tbody").replaceChildren(...(list.length === 0
    ? [el("tr", {}, el("td", { colspan: 3, class: "hint", text: t("admin.noBackups") }))]
    : list.map((b) => el("tr", { "data-backup": b.name }, el("td", { text: b.name }), el("td", { text: when(b.takenAt) }), el("td", { text: size(b.bytes) })))));
}

async function backupNow() {
  const button = $("#backup-now");
  button.disabled = true;
  $("#backup-feedback").textContent = "";
  try {
    const backup = await authed("/api/admin/backups", { method: "POST" });
    $("#backup-feedback").textContent = t("admin.backupDone", { name: backup.name });
    await loadBackups();
  } catch (e) {
    $("#backup-feedback").textContent = e.message;
  } finally {
    button.disabled = false;
  }
}

async function showConsole() {
  $("#login").hidden = true; $("#console").hidden = false; $("#logout").hidden = false;
  await load();
  if ($("#sessions").children.length === 0) $("#sessions").append(sessionRow());
  const slotOffice = $("#slot-office").value;
  $("#slot-office").replaceChildren(...state.offices.map((o) => el("option", { value: o.id, text: local(o.name), selected: o.id === slotOffice })));
  await loadSlotOffice();
  const relOffice = $("#rel-office").value;
  $("#rel-office").replaceChildren(...state.offices.map((o) => el("option", { value: o.id, text: local(o.name), selected: o.id === relOffice })));
  await loadRelocations();
  const boothOffice = $("#booth-office").value;
  const branches = state.offices.filter((o) => o.kind === "branch");
  $("#booth-office").replaceChildren(...branches.map((o) => el("option", { value: o.id, text: local(o.name), selected: o.id === boothOffice })));
  await loadBooth();
  await loadBackups();
  document.body.dataset.ready = "true";
}

async function main() {
  await setLanguage(officeLanguage());
  languageSwitch($("#languages"), () => { renderSchedules(); if (state.token) loadBackups().catch(() => {}); }, LANGUAGES.filter((l) => l.code === "ja" || l.code === "en"));
  bindSignIn(async (token) => { state.token = token; await showConsole(); });
  $("#backup-now").addEventListener("click", backupNow);
  $("#logout").addEventListener("click", () => { signOut(); state.token = null; showLogin(); });
  $("#add-session").addEventListener("click", () => $("#sessions").append(sessionRow()));
  $("#slot-office").addEventListener("change", () => loadSlotOffice().catch((e) => { $("#slot-error").textContent = e.message; }));
  $("#slot-service").addEventListener("change", showSlotPolicy);
  $("#slot-bookable").addEventListener("change", () => { $("#slot-fields").hidden = !$("#slot-bookable").checked; });
  $("#slots").addEventListener("submit", saveSlots);
  $("#rel-office").addEventListener("change", () => loadRelocations().catch((e) => { $("#rel-error").textContent = e.message; }));
  $("#relocation-form").addEventListener("submit", saveRelocation);
  $("#booth-office").addEventListener("change", () => loadBooth().catch((e) => { $("#booth-error").textContent = e.message; }));
  $("#booth").addEventListener("submit", saveBooth);
  const key = { value: randomKey() }; // one key per form: a double click creates one schedule
  $("#create").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#feedback").textContent = ""; $("#error").textContent = "";
    const sessions = [...$("#sessions").querySelectorAll(".session-row")].map((row) => ({
      date: row.querySelector("[name=date]").value, opens: row.querySelector("[name=opens]").value, closes: row.querySelector("[name=closes]").value,
    }));
    const label = $("#label").value.trim();
    try {
      await authed(`/api/offices/${encodeURIComponent($("#office").value)}/temporary-counters`, {
        method: "POST", headers: { "Idempotency-Key": key.value },
        body: { procedureId: $("#procedure").value, label: label || undefined, sessions },
      });
      key.value = randomKey();
      $("#feedback").textContent = t("admin.saved");
      await load();
    } catch (e) {
      $("#error").textContent = e.message;
    }
  });
  if (state.token) { try { await showConsole(); return; } catch { /* sign in again */ } }
  showLogin();
}

main();
