// Public congestion page (/congestion/{officeId}) and its embeddable widget (/congestion/{officeId}/widget): who waits now
// at each service, and the expected wait by hour for today and the coming days, so visitors can pick a quiet time (分散利用).
// The chart is SVG written here: every bar carries its minutes as text, and the quietest hours are hatched and named,
// so nothing depends on colour. Nothing is loaded from another origin.
import { $, api, el, floorName, language, languageSwitch, local, preferredLanguage, setLanguage, svg, t } from "./common.js";

const parts = location.pathname.split("/");
const officeId = decodeURIComponent(parts[2] ?? "");
const widget = parts[3] === "widget";
const params = new URLSearchParams(location.search);
const state = { office: null, services: [], serviceId: params.get("service"), day: null, updatedAt: null };
window.cqCongestion = state;

const dayLabel = (iso) => new Intl.DateTimeFormat(language(), { timeZone: "Asia/Tokyo", month: "numeric", day: "numeric", weekday: "short" })
  .format(new Date(`${iso}T12:00:00+09:00`));


function kindText(kind) {
  return { saturday: t("congestion.kind.saturday"), temporaryCounter: t("congestion.kind.temporary"), closed: t("congestion.kind.closed") }[kind] ?? "";
}

function renderNow() {
  $("#now").replaceChildren(...state.services.filter((s) => !s.temporary || s.open).map((s) => el("tr", { class: s.open ? "" : "closed", "data-service": s.serviceId },
    el("th", { scope: "row", text: local(s.name) }),
    el("td", { class: "col-floor", text: floorName(s.floor) }),
    el("td", { class: "num", text: s.open ? t("congestion.people", { n: s.waiting }) : "—" }),
    el("td", { class: "num", text: s.open ? t("congestion.minutes", { n: s.estimatedWaitMinutes }) : t("congestion.notTakingShort") }))));
  const anyOpen = state.services.some((s) => s.open);
  $("#closed-note").hidden = anyOpen;
  $("#closed-note").textContent = anyOpen ? "" : t(widget ? "congestion.allClosedWidget" : "congestion.allClosed");
  if (state.updatedAt) $("#updated").textContent = t("congestion.updated", { time: new Intl.DateTimeFormat(language(), { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" }).format(state.updatedAt) });
}

function renderForecast() {
  const service = state.services.find((s) => s.serviceId === state.serviceId) ?? state.services[0];
  if (!service) return;
  state.serviceId = service.serviceId;
  $("#service").replaceChildren(...state.services.map((s) => el("option", { value: s.serviceId, selected: s.serviceId === service.serviceId, text: local(s.name) })));
  $("#days").replaceChildren(...service.days.map((d, i) => el("button", {
    type: "button", "aria-pressed": String(i === state.day), "data-day": d.date, disabled: d.kind === "closed",
    onclick: () => { state.day = i; renderForecast(); },
  }, `${i === 0 ? t("congestion.today") + " " : ""}${dayLabel(d.date)}${kindText(d.kind) ? ` (${kindText(d.kind)})` : ""}`)));
  const day = service.days[state.day ?? 0] ?? service.days[0];
  const hours = day.byHour;
  $("#hours").replaceChildren(...hours.map((h) => el("tr", {}, el("td", { text: `${h.hour}:00–${h.hour + 1}:00` }),
    el("td", { class: "num", text: t("congestion.minutes", { n: h.expectedWaitMinutes }) }))));
  if (hours.length === 0) {
    $("#chart").replaceChildren(el("p", { text: t("congestion.closedDay") }));
    $("#quiet").textContent = "";
  } else {
    const least = Math.min(...hours.map((h) => h.expectedWaitMinutes));
    const quiet = hours.filter((h) => h.expectedWaitMinutes <= least + 1).map((h) => h.hour);
    $("#quiet").textContent = t("congestion.quietest", { hours: quiet.map((h) => `${h}:00–${h + 1}:00`).join(t("congestion.listSeparator")) });
    $("#chart").replaceChildren(chart(hours, quiet, state.day === 0, dayLabel(day.date), local(service.name)));
  }
  const thin = service.historyDays < 10;
  $("#basis").textContent = thin ? t("congestion.basisPrior") : t("congestion.basisHistory", { days: service.historyDays });
  $("#embed-code").textContent = `<iframe src="${location.origin}/congestion/${encodeURIComponent(officeId)}/widget" title="${t("congestion.title")}" width="360" height="420"></iframe>`;
}

/** A bar per opening hour, its minutes written on it; the quietest hours hatched; now marked on today's chart. */
function chart(hours, quiet, today, dayText, serviceText) {
  const width = 640, height = 260, top = 30, bottom = 28, left = 8;
  const step = (width - left * 2) / hours.length;
  const max = Math.max(10, ...hours.map((h) => h.expectedWaitMinutes));
  const summary = hours.map((h) => `${h.hour}:00 ${t("congestion.minutes", { n: h.expectedWaitMinutes })}`).join(", ");
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${serviceText} ${dayText}: ${summary}` });
  const defs = svg("defs");
  const hatch = svg("pattern", { id: "quiet-hatch", width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  hatch.append(svg("rect", { width: 8, height: 8, fill: "#0b1f3a" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 8, stroke: "#7ee2a8", "stroke-width": 4 }));
  defs.append(hatch);
  root.append(defs);
  hours.forEach((h, i) => {
    const barHeight = Math.max(2, (height - top - bottom) * h.expectedWaitMinutes / max);
    const x = left + i * step + step * 0.15;
    const y = height - bottom - barHeight;
    const isQuiet = quiet.includes(h.hour);
    root.append(svg("rect", { class: isQuiet ? "bar quiet" : "bar", x, y, width: step * 0.7, height: barHeight, "data-hour": h.hour }));
    root.append(svg("text", { class: "value", x: x + step * 0.35, y: y - 6 }, `${h.expectedWaitMinutes}${t("congestion.minuteUnit")}`));
    root.append(svg("text", { class: "axis", x: x + step * 0.35, y: height - 8 }, `${h.hour}${t("congestion.hourUnit")}`));
  });
  if (today) {
    const now = new Date();
    const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tokyo", hour: "numeric", hourCycle: "h23" }).format(now));
    const minute = now.getMinutes();
    const index = hours.findIndex((h) => h.hour === hour);
    if (index >= 0) {
      const x = left + (index + minute / 60) * step;
      root.append(svg("line", { class: "now-line", x1: x, x2: x, y1: top - 10, y2: height - bottom }));
      root.append(svg("text", { class: "now-text", x, y: top - 12 }, t("congestion.nowMark")));
    }
  }
  return root;
}

/** The first day worth showing: today while it has opening hours still to come, else the next open day. */
function firstUsefulDay(service) {
  const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tokyo", hour: "numeric", hourCycle: "h23" }).format(new Date()));
  const index = service.days.findIndex((d, i) => d.kind !== "closed" && (i > 0 || d.byHour.some((h) => h.hour >= hour)));
  return index < 0 ? 0 : index;
}

async function load() {
  try {
    const [offices, services] = await Promise.all([api("/api/offices"), api(`/api/offices/${encodeURIComponent(officeId)}/congestion`)]);
    state.office = offices.find((o) => o.id === officeId) ?? null;
    state.services = services;
    state.updatedAt = new Date();
    $("#error").hidden = true;
    $("#office-name").textContent = local(state.office?.name);
    document.title = `${t("congestion.title")} ${local(state.office?.name)} — CounterQueue`;
    renderNow();
    if (state.day === null && services.length > 0) state.day = firstUsefulDay(services.find((s) => s.serviceId === state.serviceId) ?? services[0]);
    if (!widget) renderForecast();
  } catch (e) {
    $("#error").hidden = false;
    $("#error").textContent = e.status === 404 ? t("congestion.unknownOffice") : t("error.network");
  }
}

async function main() {
  if (widget) document.body.classList.add("widget");
  await setLanguage(params.get("lang") ?? preferredLanguage());
  languageSwitch($("#languages"), () => { renderNow(); renderForecast(); });
  $("#service").addEventListener("change", (e) => {
    state.serviceId = e.target.value;
    state.day = firstUsefulDay(state.services.find((s) => s.serviceId === state.serviceId));
    renderForecast();
  });
  if (widget) {
    $("#now-heading").after(el("a", { class: "more", href: `/congestion/${encodeURIComponent(officeId)}`, target: "_blank", rel: "noopener", text: t("congestion.more") }));
  }
  await load();
  setInterval(load, 30000); // the line changes by the minute; the forecast by the day
}

main();
