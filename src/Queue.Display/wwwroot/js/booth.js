// Remote consultation booth (/booth/{officeId}): a resident taps a topic; the request joins the responsible section's
// line at the ward office; the booth shows the place in line, then the video link when the section answers. The
// availability comes from the hub (RemoteConsultationChanged): the booth never polls.
import { $, api, connectLobby, el, languageSwitch, lastReadWins, local, officeLanguage, randomKey, setLanguage, t, timeOf } from "./common.js";

const officeId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const BACK_TO_START_MS = 60000;
const state = { office: null, remote: null, request: null, ticket: null, connection: null, timer: 0, busy: false };
window.cqBooth = state;

function renderChoose() {
  $("#office-name").textContent = local(state.office?.name);
  const remote = state.remote;
  if (!remote) return;
  $("#status").dataset.available = String(remote.available);
  $("#headline").textContent = remote.available ? t("booth.available", { ward: local(remote.wardOfficeName) }) : t("booth.unavailable");
  $("#detail").textContent = remote.available ? t("booth.availableDetail")
    : [t(`booth.reason.${remote.reason}`), remote.nextAvailableAt ? t("booth.next", { when: whenText(remote.nextAvailableAt) }) : ""].filter(Boolean).join(" ");
  const sections = new Map();
  for (const topic of remote.topics) {
    if (!sections.has(topic.sectionId)) sections.set(topic.sectionId, { name: topic.sectionName, topics: [] });
    sections.get(topic.sectionId).topics.push(topic);
  }
  $("#topics").replaceChildren(...[...sections.values()].map((s) => el("section", {},
    el("h3", { text: local(s.name) }),
    el("div", { class: "buttons" }, ...s.topics.map((topic) => el("button", {
      type: "button", "data-topic": topic.topicId, disabled: !topic.available || state.busy, onclick: () => request(topic),
    }, local(topic.name)))))));
}

const whenText = (iso) => new Intl.DateTimeFormat(document.documentElement.lang, { timeZone: "Asia/Tokyo", month: "short", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));

const loadState = lastReadWins(() => api(`/api/offices/${encodeURIComponent(officeId)}/remote-consultation`), (remote) => {
  state.remote = remote;
  renderChoose();
});

/** Places a request; a retry after a network blip reuses the same Idempotency-Key (one request, never two). */
async function request(topic) {
  if (state.busy) return;
  state.busy = true;
  $("#error").textContent = "";
  renderChoose();
  const key = randomKey();
  try {
    const result = await api(`/api/offices/${encodeURIComponent(officeId)}/remote-consultation/requests`, {
      method: "POST", body: { topicId: topic.topicId, language: document.documentElement.lang }, headers: { "Idempotency-Key": key },
    });
    state.request = { ...result, topic };
    state.ticket = result.ticket;
    await state.connection?.invoke("FollowTicket", result.ticket.ticketId).then((t) => { state.ticket = t; }).catch(() => {});
    showWaiting();
  } catch (e) {
    $("#error").textContent = e.problem?.reason ? `${t("booth.unavailable")} ${t(`booth.reason.${e.problem.reason}`)}` : e.message;
    await loadState().catch(() => {});
  } finally {
    state.busy = false;
    renderChoose();
  }
}

function showWaiting() {
  $("#choose").hidden = true;
  $("#waiting").hidden = false;
  renderWaiting();
  $("#waiting-heading").setAttribute("tabindex", "-1");
  $("#waiting-heading").focus();
}

function renderWaiting() {
  const ticket = state.ticket;
  if (!ticket) return;
  $("#number").textContent = ticket.number;
  $("#topic").textContent = local(state.request.topic.name);
  const called = ticket.status === "called" || ticket.status === "serving";
  const finished = ["done", "noShow", "cancelled"].includes(ticket.status);
  $("#progress").dataset.state = called ? "called" : finished ? "done" : "waiting";
  $("#progress-headline").textContent = called ? t("booth.connecting") : finished ? t("booth.finished") : t("booth.waiting", { n: ticket.position });
  $("#progress-detail").textContent = called ? t("booth.connectingDetail") : finished ? "" : t("booth.estimate", { n: ticket.estimatedWaitMinutes });
  const video = state.request.videoUrl;
  $("#video").hidden = !(called && video);
  if (video) $("#video").href = video;
  $("#give-up").hidden = called || finished;
  $("#done").hidden = !finished;
  clearTimeout(state.timer);
  if (finished) state.timer = setTimeout(backToStart, BACK_TO_START_MS);
}

async function giveUp() {
  try { await api(`/api/tickets/${encodeURIComponent(state.ticket.ticketId)}`, { method: "DELETE" }); } catch { /* already finished */ }
  backToStart();
}

function backToStart() {
  clearTimeout(state.timer);
  state.request = null; state.ticket = null;
  $("#waiting").hidden = true;
  $("#choose").hidden = false;
  sessionStorage.removeItem("cq.lang");
  setLanguage("ja").then(() => { markLanguage(); loadState().catch(() => {}); });
}

let markLanguage = () => {};

async function main() {
  await setLanguage(officeLanguage());
  markLanguage = languageSwitch($("#languages"), () => { renderChoose(); renderWaiting(); });
  $("#give-up").addEventListener("click", giveUp);
  $("#done").addEventListener("click", backToStart);
  const offices = await api("/api/offices");
  state.office = offices.find((o) => o.id === officeId);
  try {
    await loadState();
  } catch (e) {
    $("#error").textContent = e.status === 404 ? t("booth.noBooth") : e.message;
    return;
  }
  state.connection = connectLobby({
    handlers: {
      RemoteConsultationChanged: (change) => { if (change.officeId === officeId) loadState().catch(() => {}); },
      TicketUpdated: (ticket) => { if (ticket.ticketId === state.ticket?.ticketId) { state.ticket = ticket; renderWaiting(); } },
    },
    onConnected: async (connection) => {
      await connection.invoke("Subscribe", officeId, null);
      if (state.ticket) state.ticket = await connection.invoke("FollowTicket", state.ticket.ticketId);
      await loadState();
      renderWaiting();
      document.body.dataset.ready = "true";
    },
  });
}

main();
