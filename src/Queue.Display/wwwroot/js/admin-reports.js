// Administration: daily and period reports (per service and counter) with a chart of the load by hour, and the CSV
// download (UTF-8 with a BOM: Excel opens the Japanese names correctly).
import { $, api, el, local, savedToken, svg, t } from "./common.js";

const tokyoDate = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(d);
const yesterday = () => tokyoDate(new Date(Date.now() - 86400000));
const state = { offices: [], services: new Map(), report: null };
window.cqReports = state;

const path = () => {
  const office = encodeURIComponent($("#report-office").value);
  const from = $("#report-from").value, to = $("#report-to").value;
  return from === to ? `/api/offices/${office}/reports/daily?date=${from}` : `/api/offices/${office}/reports?from=${from}&to=${to}`;
};
const minutes = (stats) => (stats.medianMinutes == null ? "—" : t("admin.reportMinutes", { median: stats.medianMinutes, p90: stats.p90Minutes }));


/** Tickets issued per hour as bars, each with its count and the average wait written on it (no colour needed). */
function chart(byHour) {
  const width = 720, height = 240, bottom = 44, top = 20;
  if (byHour.length === 0) return el("p", { text: t("admin.reportNothing") });
  // Every hour from the first to the last with any ticket (an hour with none between them shows as zero).
  const first = Math.min(...byHour.map((h) => h.hour)), last = Math.max(...byHour.map((h) => h.hour));
  const hours = Array.from({ length: last - first + 1 }, (_, i) => byHour.find((h) => h.hour === first + i)
    ?? { hour: first + i, issued: 0, called: 0, averageWaitMinutes: null });
  const step = width / Math.max(hours.length, 6); // a day of one or two hours does not fill the width with one bar
  const max = Math.max(1, ...hours.map((h) => h.issued));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": hours.map((h) => t("admin.reportHourLabel", { hour: h.hour, issued: h.issued, wait: h.averageWaitMinutes ?? "—" })).join(", ") });
  hours.forEach((h, i) => {
    const barHeight = Math.max(1, (height - top - bottom) * h.issued / max);
    const x = i * step + step * 0.15;
    root.append(svg("rect", { x, y: height - bottom - barHeight, width: step * 0.7, height: barHeight, fill: "#8fb8ff", "data-hour": h.hour }));
    root.append(svg("text", { x: x + step * 0.35, y: height - bottom - barHeight - 5, "text-anchor": "middle", fill: "#ffffff", "font-size": 13, "font-weight": 700 }, String(h.issued)));
    root.append(svg("text", { x: x + step * 0.35, y: height - 24, "text-anchor": "middle", fill: "#ffffff", "font-size": 13 }, `${h.hour}:00`));
    root.append(svg("text", { x: x + step * 0.35, y: height - 6, "text-anchor": "middle", fill: "#ffffff", "font-size": 12 },
      h.averageWaitMinutes == null ? "" : t("admin.reportAvgWait", { n: h.averageWaitMinutes })));
  });
  return root;
}

async function show(event) {
  event?.preventDefault();
  $("#report-error").textContent = "";
  try {
    const office = $("#report-office").value;
    if (!state.services.has(office)) state.services.set(office, await api(`/api/offices/${encodeURIComponent(office)}/services`));
    const names = new Map(state.services.get(office).map((s) => [s.id, local(s.name)]));
    const report = state.report = await api(path(), { token: savedToken() });
    const row = (r, name) => el("tr", { "data-id": r.id, "data-scope": r.scope },
      el("th", { scope: "row", text: name }), el("td", { class: "number", text: String(r.issued) }), el("td", { class: "number", text: String(r.served) }),
      el("td", { class: "number", text: String(r.noShows) }), el("td", { text: minutes(r.wait) }), el("td", { text: minutes(r.serviceTime) }),
      el("td", { text: minutes(r.visitTime) }), el("td", { text: r.busiestHour == null ? "—" : `${r.busiestHour}:00` }));
    $("#report tbody").replaceChildren(row(report.office, t("admin.reportTotal")), ...report.services.map((r) => row(r, names.get(r.id) ?? r.id)));
    $("#report").hidden = false;
    $("#report-chart").replaceChildren(chart(report.byHour));
  } catch (e) {
    $("#report-error").textContent = e.message;
  }
}

async function downloadCsv() {
  $("#report-error").textContent = "";
  const response = await fetch(path(), { headers: { Authorization: `Bearer ${savedToken()}`, Accept: "text/csv" } });
  if (!response.ok) { $("#report-error").textContent = (await response.json().catch(() => ({}))).title ?? `HTTP ${response.status}`; return; }
  const name = /filename=([^;]+)/.exec(response.headers.get("content-disposition") ?? "")?.[1]?.replace(/"/g, "") ?? "report.csv";
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

async function init() {
  $("#report-from").value = $("#report-to").value = yesterday();
  $("#report-form").addEventListener("submit", show);
  $("#report-csv").addEventListener("click", () => downloadCsv().catch((e) => { $("#report-error").textContent = e.message; }));
  state.offices = await api("/api/offices");
  $("#report-office").replaceChildren(...state.offices.map((o) => el("option", { value: o.id, text: local(o.name) })));
}

init();
