// Phone page (/t/{ticketId}): the visitor's own ticket, live. Vibrates when it is called.
import { $, api, connectLobby, floorName, languageSwitch, local, preferredLanguage, setLanguage, t, timeOf } from "./common.js";

const ticketId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const state = { ticket: null, office: null };
window.cqPhone = state;
const FINISHED = new Set(["done", "noShow", "cancelled"]);

function render() {
  const ticket = state.ticket;
  if (!ticket) return;
  document.title = `${ticket.number} — ${t("phone.title")}`;
  $("#office-name").textContent = local(state.office?.name);
  $("#number").textContent = ticket.number;
  $("#service").textContent = local(ticket.serviceName);
  const status = $("#status");
  status.dataset.status = ticket.status;
  $("#headline").textContent = t(`phone.status.${ticket.status}`);
  let detail = "";
  if (ticket.status === "called" && ticket.counter) {
    detail = t("phone.goTo", { floor: floorName(ticket.counter.floor), counter: local(ticket.counter.label) });
  } else if (ticket.status === "waiting" && ticket.uncollected) {
    detail = t("phone.uncollected", { floor: floorName(ticket.floor) }); // 未交付: ready for a while, nobody came
  } else if (ticket.status === "waiting") {
    detail = t("phone.waitOn", { floor: floorName(ticket.floor) });
  }
  $("#detail").textContent = detail;
  const waiting = ticket.status === "waiting";
  $("#position").textContent = waiting ? (ticket.position === 0 ? t("phone.next") : t("phone.position", { n: ticket.position })) : "";
  $("#estimate").textContent = waiting && ticket.position > 0 ? t("phone.estimate", { n: ticket.estimatedWaitMinutes }) : "";
  $("#step").textContent = ticket.step !== "service" ? t("phone.step", { step: t(`step.${ticket.step}`) }) : "";
  $("#issued").textContent = t("phone.issuedAt", { time: timeOf(ticket.issuedAt) });
  $("#cancel").hidden = ticket.status !== "waiting";
}

function update(ticket) {
  const before = state.ticket;
  state.ticket = ticket;
  render();
  const newlyCalled = ticket.status === "called" && (before?.status !== "called" || before?.calledAt !== ticket.calledAt);
  if (before && newlyCalled) navigator.vibrate?.([400, 150, 400, 150, 400]);
}

async function loadContext(ticket) {
  if (state.office) return;
  state.office = (await api("/api/offices")).find((o) => o.id === ticket.officeId);
}

async function main() {
  await setLanguage(preferredLanguage("ja"));
  languageSwitch($("#languages"), render);
  try {
    const ticket = await api(`/api/tickets/${encodeURIComponent(ticketId)}`);
    // The language chosen at the kiosk, unless this phone already chose one.
    if (!sessionStorage.getItem("cq.lang") && ticket.language && ticket.language !== document.documentElement.lang) {
      await setLanguage(ticket.language);
      languageSwitch($("#languages"), render);
    }
    await loadContext(ticket);
    update(ticket);
  } catch (e) {
    $("#error").textContent = e.status === 404 ? t("phone.notFound") : e.message;
    return;
  }

  const dialog = $("#confirm");
  $("#cancel").addEventListener("click", () => dialog.showModal());
  $("#confirm-no").addEventListener("click", () => dialog.close());
  $("#confirm-yes").addEventListener("click", async () => {
    dialog.close();
    try {
      await api(`/api/tickets/${encodeURIComponent(ticketId)}`, { method: "DELETE" });
      update(await api(`/api/tickets/${encodeURIComponent(ticketId)}`));
    } catch (e) {
      $("#error").textContent = e.message;
    }
  });

  // When the line moves (someone ahead is called or gives up), the position changes: read the ticket again,
  // at most every few seconds however busy the office is. A change of this ticket pushed while that read was on its
  // way is newer than what the read brings back (the ticket was called, then done, while the answer travelled), so the
  // read's answer is dropped then: the position it would have refreshed is refreshed by the next change of the line.
  let refreshing = null;
  let pushes = 0;
  const refreshSoon = () => {
    if (refreshing || FINISHED.has(state.ticket?.status)) return;
    refreshing = setTimeout(async () => {
      const seen = pushes;
      try {
        const ticket = await api(`/api/tickets/${encodeURIComponent(ticketId)}`);
        if (pushes === seen) update(ticket);
      } catch { /* the next change tries again */ }
      refreshing = null;
    }, 1500 + Math.random() * 1500);
  };
  connectLobby({
    handlers: {
      TicketUpdated: (ticket) => { pushes++; update(ticket); },
      QueueUpdated: (u) => { if (u.serviceId === state.ticket?.serviceId && state.ticket?.status === "waiting") refreshSoon(); },
    },
    // FollowTicket answers with the ticket as it is now: that is the resynchronisation.
    onConnected: async (connection) => {
      if (FINISHED.has(state.ticket?.status) && state.ticket.status !== "noShow") return;
      update(await connection.invoke("FollowTicket", ticketId));
      await connection.invoke("Subscribe", state.ticket.officeId, null);
      document.body.dataset.ready = "true";
    },
  });
}

main();
