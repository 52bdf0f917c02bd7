// Temporary counters (/temporary-counters): where and when each 臨時窓口 opens, and what to bring, so people can plan.
import { $, api, el, languageSwitch, local, preferredLanguage, setLanguage, t } from "./common.js";

const state = { schedules: [], procedures: [] };

function render() {
  const now = Date.now();
  const cards = state.procedures.map((procedure) => {
    const schedules = state.schedules.filter((s) => s.procedureId === procedure.id);
    const rows = schedules.flatMap((s) => s.sessions.filter((x) => Date.parse(x.endsAt) > now).map((x) => ({ s, x })))
      .sort((a, b) => Date.parse(a.x.startsAt) - Date.parse(b.x.startsAt));
    if (rows.length === 0) return null;
    return el("section", { class: "card", "data-procedure": procedure.id, "aria-labelledby": `p-${procedure.id}` },
      el("h2", { id: `p-${procedure.id}`, text: local(procedure.name) }),
      procedure.note ? el("p", { text: local(procedure.note) }) : null,
      el("h3", { text: t("tc.bring") }),
      el("ul", {}, ...procedure.bring.map((b) => el("li", { text: local(b) }))),
      el("table", {},
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("tc.where") }), el("th", { scope: "col", text: t("tc.when") }))),
        el("tbody", {}, ...rows.map(({ s, x }) => el("tr", { "data-schedule": s.id },
          el("td", { text: local(s.officeName) }),
          el("td", {}, t("tc.session", { date: formatDate(x.date), opens: x.opens, closes: x.closes }),
            x.openNow ? el("span", { class: "badge", text: t("tc.openNow") }) : null))))));
  }).filter(Boolean);
  $("#procedures").replaceChildren(...(cards.length ? cards : [el("p", { text: t("tc.none") })]));
}

function formatDate(date) {
  const [y, m, d] = date.split("-").map(Number);
  const thisYear = y === new Date().getFullYear();
  return new Intl.DateTimeFormat(document.documentElement.lang, { year: thisYear ? undefined : "numeric", month: "long", day: "numeric", weekday: "short", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

async function main() {
  await setLanguage(preferredLanguage("ja"));
  languageSwitch($("#languages"), render);
  try {
    [state.schedules, state.procedures] = await Promise.all([api("/api/temporary-counters"), api("/api/temporary-procedures")]);
    render();
    document.body.dataset.ready = "true";
  } catch (e) {
    $("#error").textContent = e.message;
  }
}

main();
