// Printable floor guide (/floor-guide/{officeId}?date=YYYY-MM-DD&paper=a4|a3): which section is on which floor and
// where on that day, in Japanese and English, and the moves coming up. Public: posted at the entrance and in the lifts.
import { $, api, el, setPageSize } from "./common.js";

const officeId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const params = new URLSearchParams(location.search);
const tokyoDate = (d = new Date()) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(d);
const floorJa = (f) => { const m = /^(B?)(\d+)F$/i.exec(f ?? ""); return m ? `${m[1] ? "地下" : ""}${m[2]}階` : f; };
const floorSort = (f) => { const m = /^(B?)(\d+)F$/i.exec(f ?? ""); return m ? (m[1] ? -Number(m[2]) : Number(m[2])) : 0; };
const dateJa = (iso) => new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", year: "numeric", month: "long", day: "numeric", weekday: "short" }).format(new Date(iso));

function setPaper(paper) {
  document.body.dataset.paper = paper;
  return setPageSize(paper === "a3" ? "a3" : "a4");
}

async function render() {
  const date = $("#date").value || tokyoDate();
  const [offices, directory, services, relocations] = await Promise.all([
    api("/api/offices"),
    // Today: where everything is now (a move this afternoon counts); another day: that day.
    api(`/api/offices/${encodeURIComponent(officeId)}/directory${date === tokyoDate() ? "" : `?date=${date}`}`),
    api(`/api/offices/${encodeURIComponent(officeId)}/services`),
    api(`/api/offices/${encodeURIComponent(officeId)}/relocations`),
  ]);
  const office = offices.find((o) => o.id === officeId);
  $("#office-name").textContent = office?.name?.ja ?? officeId;
  document.title = `${office?.name?.ja ?? ""} フロア案内 ${date}`;
  $("#as-of").textContent = `${dateJa(`${date}T12:00:00+09:00`)} 現在 / as of ${date}`;
  const names = new Map(services.map((s) => [s.id, s.name]));
  const floors = [...new Set(directory.map((d) => d.floor))].sort((a, b) => floorSort(b) - floorSort(a));
  $("#floors tbody").replaceChildren(...floors.flatMap((floor) => directory.filter((d) => d.floor === floor).map((d, i, all) => el("tr", { "data-floor": floor, "data-section": d.sectionId },
    i === 0 ? el("td", { class: "floor", rowspan: all.length, text: floorJa(floor) }) : null,
    el("td", {},
      el("span", { class: "section", text: d.name.ja }),
      el("span", { class: "section-en", text: d.name.en }),
      d.area ? el("span", { class: "area", text: `${d.area.ja}${d.area.en ? ` / ${d.area.en}` : ""}` }) : null,
      d.movedFrom ? el("span", { class: "moved", text: `${floorJa(d.movedFrom.floor)}から移転 / moved from ${d.movedFrom.floor}` }) : null),
    el("td", {}, el("ul", { class: "services" }, ...d.serviceIds.map((id) => el("li", { text: `${names.get(id)?.ja ?? id}（${names.get(id)?.en ?? ""}）` }))))))));
  const from = new Date(`${date}T00:00:00+09:00`).getTime();
  const coming = relocations.filter((r) => new Date(r.effectiveFrom).getTime() >= from).slice(0, 10);
  const section = new Map(directory.map((d) => [d.sectionId, d.name]));
  $("#moves").replaceChildren(...coming.map((r) => el("li", {
    text: `${dateJa(r.effectiveFrom)}から ${section.get(r.sectionId)?.ja ?? r.sectionId} → ${r.toArea?.ja?.includes(floorJa(r.toFloor)) ? r.toArea.ja : `${floorJa(r.toFloor)}${r.toArea ? ` ${r.toArea.ja}` : ""}`}`
      + ` / from ${tokyoDate(new Date(r.effectiveFrom))}: ${section.get(r.sectionId)?.en ?? r.sectionId} → ${r.toFloor}`,
  })));
  $("#moves-section").hidden = coming.length === 0;
  document.body.dataset.ready = "true";
}

async function main() {
  $("#date").value = params.get("date") || tokyoDate();
  $("#paper").value = params.get("paper") === "a3" ? "a3" : "a4";
  await setPaper($("#paper").value);
  $("#date").addEventListener("change", () => render().catch((e) => { $("#as-of").textContent = e.message; }));
  $("#paper").addEventListener("change", () => setPaper($("#paper").value));
  $("#print").addEventListener("click", async () => { await setPaper($("#paper").value); window.print(); });
  await render();
}

main().catch((e) => { $("#as-of").textContent = e.message; });
