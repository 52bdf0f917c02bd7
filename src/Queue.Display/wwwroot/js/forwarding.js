// Document forwarding (/forwarding, staff): at a branch, accept papers (the 預かり書 with its serial number and QR code,
// printed on A4 or the 80 mm printer), dispatch the day's papers in one bag, and complete those the section returned;
// at the ward office, a section marks papers received by scanning the receipt's QR code or typing its id. The month's
// ledger (回送管理簿) prints and downloads as CSV. What a user sees follows the office and section their account is bound to.
import qrcode from "/assets/lib/qrcode/qrcode.mjs";
import { $, api, ApiError, bindSignIn, el, languageSwitch, LANGUAGES, local, savedToken, setLanguage, setPageSize, signOut, t } from "./common.js";
import { createScanner } from "./scan.js";

const state = { token: savedToken(), claims: {}, offices: [], types: [], items: [], officeId: null };
window.cqForwarding = state;

const when = (iso) => iso ? new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(iso)) : "";
const thisMonth = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit" }).format(new Date());

/** The token's claims (who, roles, office, section): only to choose what to show; the API decides what is allowed. */
function claimsOf(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(payload))));
  } catch { return {}; }
}

async function authed(path, options = {}) {
  try {
    return await api(path, { ...options, token: state.token });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) logout();
    throw e;
  }
}

function showLogin() { $("#login").hidden = false; $("#console").hidden = true; $("#logout").hidden = true; }
function logout() { state.token = null; signOut(); showLogin(); }

const isAdmin = () => [].concat(state.claims.role ?? []).includes("admin");
const office = () => state.offices.find((o) => o.id === state.officeId);
const isBranch = () => office()?.kind === "branch";
const typeName = (id) => local(state.types.find((x) => x.id === id)?.name) || id;

async function showConsole() {
  state.claims = claimsOf(state.token);
  $("#login").hidden = true; $("#console").hidden = false; $("#logout").hidden = false;
  $("#who").textContent = [state.claims.sub, state.claims.office, state.claims.section].filter(Boolean).join(" / ");
  [state.offices, state.types] = await Promise.all([api("/api/offices"), authed("/api/forwarding/document-types")]);
  const choices = isAdmin() ? state.offices : state.offices.filter((o) => o.id === state.claims.office);
  state.officeId = choices.some((o) => o.id === state.officeId) ? state.officeId : choices[0]?.id;
  $("#office").replaceChildren(...choices.map((o) => el("option", { value: o.id, text: local(o.name), selected: o.id === state.officeId })));
  $("#office").disabled = choices.length <= 1;
  $("#type").replaceChildren(...state.types.map((x) => el("option", { value: x.id, disabled: !x.forwardable, text: `${local(x.name)}${x.forwardable ? "" : `（${t("fw.notForwardable")}）`}` })));
  if (!$("#month").value) $("#month").value = thisMonth();
  showNote();
  await load();
  document.body.dataset.ready = "true";
}

function showNote() {
  const type = state.types.find((x) => x.id === $("#type").value);
  $("#type-note").textContent = type ? `${t("fw.goesTo")}: ${local(type.sectionName) || type.sectionId}${type.note ? ` — ${local(type.note)}` : ""}` : "";
}

async function load() {
  $("#accept").hidden = !isBranch();
  $("#receive").hidden = isBranch();
  $("#dispatch").hidden = !isBranch();
  $("#ledger-title").textContent = `${local(office()?.name)} ${$("#month").value}`;
  state.items = await authed(`/api/offices/${encodeURIComponent(state.officeId)}/forwarding?month=${$("#month").value}`);
  renderLedger();
}

function renderLedger() {
  $("#empty").hidden = state.items.length > 0;
  $("#ledger tbody").replaceChildren(...state.items.map((i) => {
    const action = isBranch()
      ? i.status === "received" ? el("button", { type: "button", text: t("fw.complete"), onclick: () => step(i, "complete") }) : null
      : i.status === "dispatched" ? el("button", { type: "button", text: t("fw.markReceived"), onclick: () => step(i, "receive") }) : null;
    return el("tr", { "data-item": i.id, "data-status": i.status, "data-overdue": String(i.overdue) },
      el("td", { class: "no-print" }, isBranch() && i.status === "accepted" ? el("input", { type: "checkbox", "aria-label": `${t("fw.select")} ${i.serial}`, value: i.id }) : null),
      el("td", { class: "number", text: i.serial }),
      el("td", { text: local(i.documentTypeName) || i.documentTypeId }),
      el("td", { text: local(i.sectionName) || i.sectionId }),
      el("td", { class: "steps" }, [
        `${t("fw.accepted")} ${when(i.acceptedAt)} ${i.acceptedBy}`,
        i.dispatchedAt ? `${t("fw.dispatched")} ${when(i.dispatchedAt)} ${i.dispatchedBy}` : null,
        i.receivedAt ? `${t("fw.received")} ${when(i.receivedAt)} ${i.receivedBy}` : null,
        i.completedAt ? `${t("fw.completed")} ${when(i.completedAt)} ${i.completedBy}` : null,
      ].filter(Boolean).join(" → ")),
      el("td", { text: `${t(`fw.status.${i.status}`)}${i.overdue ? `（${t("fw.overdue")}）` : ""}` }),
      el("td", { class: "no-print" }, action));
  }));
}

async function step(item, action) {
  $("#error").textContent = ""; $("#feedback").textContent = "";
  try {
    const done = await authed(`/api/forwarding/${encodeURIComponent(item.id)}/${action}`, { method: "POST" });
    $("#feedback").textContent = t(`fw.done.${action}`, { serial: done.serial, type: local(done.documentTypeName) });
    await load();
  } catch (e) { $("#error").textContent = e.message; }
}

async function accept(event) {
  event.preventDefault();
  $("#error").textContent = ""; $("#feedback").textContent = "";
  try {
    const item = await authed(`/api/offices/${encodeURIComponent(state.officeId)}/forwarding`, {
      method: "POST", body: { documentTypeId: $("#type").value, residentName: $("#resident").value.trim() || undefined },
    });
    $("#resident").value = "";
    showReceipt(item);
    $("#feedback").textContent = t("fw.done.accept", { serial: item.serial, type: local(item.documentTypeName) });
    await load();
  } catch (e) { $("#error").textContent = e.message; }
}

function showReceipt(item) {
  $("#receipt").hidden = false;
  $("#r-serial").textContent = `${typeName(item.documentTypeId)} ${item.serial}`;
  $("#r-type").textContent = `${item.documentTypeName?.ja ?? item.documentTypeId} / ${item.documentTypeName?.en ?? ""}`;
  $("#r-section").textContent = item.sectionName ? `${item.sectionName.ja} / ${item.sectionName.en}` : item.sectionId;
  $("#r-accepted").textContent = `${when(item.acceptedAt)}（${local(office()?.name)}）`;
  const qr = qrcode(0, "M");
  qr.addData(item.id);
  qr.make();
  $("#r-qr").replaceChildren(el("img", { src: qr.createDataURL(4, 2), alt: item.id, "data-id": item.id }));
}

async function print(kind, paper = "a4") {
  document.body.classList.toggle("printing-receipt", kind === "receipt");
  document.body.classList.toggle("printing-ledger", kind === "ledger");
  document.body.dataset.paper = paper;
  await setPageSize(paper);
  window.print();
}

async function dispatch() {
  const ids = [...document.querySelectorAll("#ledger tbody input[type=checkbox]:checked")].map((c) => c.value);
  $("#error").textContent = ""; $("#feedback").textContent = "";
  if (ids.length === 0) { $("#error").textContent = t("fw.chooseItems"); return; }
  try {
    const done = await authed(`/api/offices/${encodeURIComponent(state.officeId)}/forwarding/dispatch`, { method: "POST", body: { itemIds: ids } });
    $("#feedback").textContent = t("fw.done.dispatch", { n: done.length });
    await load();
  } catch (e) { $("#error").textContent = e.message; }
}

/** The receipt's QR code holds the item's id; a typed serial ("2026-0007") is looked up among this month's papers on their way. */
async function receiveById(text) {
  let item = state.items.find((i) => i.id === text);
  if (!item && /^\d{4}-\d{1,4}$/.test(text)) {
    const [year, serial] = text.split("-");
    const matches = state.items.filter((i) => i.fiscalYear === Number(year) && i.serialNumber === Number(serial) && i.status === "dispatched");
    if (matches.length > 1) { $("#error").textContent = t("fw.ambiguous", { serial: text }); return; }
    item = matches[0];
  }
  await step(item ?? { id: text }, "receive");
}

async function downloadCsv() {
  const response = await fetch(`/api/offices/${encodeURIComponent(state.officeId)}/forwarding?month=${$("#month").value}`, {
    headers: { Accept: "text/csv", Authorization: `Bearer ${state.token}` },
  });
  if (!response.ok) { $("#error").textContent = `${response.status}`; return; }
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `forwarding-${state.officeId}-${$("#month").value}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

async function main() {
  await setLanguage(sessionStorage.getItem("cq.lang") ?? "ja");
  languageSwitch($("#languages"), () => { renderLedger(); showNote(); }, LANGUAGES.filter((l) => l.code === "ja" || l.code === "en"));
  bindSignIn(async (token) => { state.token = token; await showConsole(); });
  $("#logout").addEventListener("click", logout);
  $("#office").addEventListener("change", async (e) => { state.officeId = e.target.value; await load(); });
  $("#month").addEventListener("change", () => load().catch((e) => { $("#error").textContent = e.message; }));
  $("#type").addEventListener("change", showNote);
  $("#accept").addEventListener("submit", accept);
  $("#dispatch").addEventListener("click", dispatch);
  $("#print-a4").addEventListener("click", () => print("receipt", "a4"));
  $("#print-80").addEventListener("click", () => print("receipt", "receipt80"));
  $("#print-ledger").addEventListener("click", () => print("ledger", "a4"));
  $("#csv").addEventListener("click", downloadCsv);
  $("#receive-form").addEventListener("submit", (e) => { e.preventDefault(); const id = $("#receive-id").value.trim(); if (id) receiveById(id); });
  const scanner = createScanner({
    video: $("#camera"),
    onText: (text) => { $("#receive-id").value = text; receiveById(text.trim()); },
    onStop: () => { $("#scanner").hidden = true; },
  });
  $("#scan").addEventListener("click", async () => {
    $("#scanner").hidden = false;
    if (!(await scanner.start())) { $("#scanner").hidden = true; $("#error").textContent = t("kiosk.booking.noCamera"); }
  });
  $("#scan-stop").addEventListener("click", () => scanner.stop());
  if (state.token) { try { await showConsole(); return; } catch { /* sign in again */ } }
  showLogin();
}

main();
