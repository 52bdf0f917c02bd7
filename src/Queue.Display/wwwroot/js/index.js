// Index (/): every office with links to its display (whole office and per floor), kiosk and phone-free pages.
import { $, api, el, local } from "./common.js";

async function main() {
  const offices = await api("/api/offices");
  const items = await Promise.all(offices.map(async (o) => {
    const counters = await api(`/api/offices/${encodeURIComponent(o.id)}/counters`).catch(() => []);
    const floors = [...new Set(counters.map((c) => c.floor))].sort();
    const id = encodeURIComponent(o.id);
    return el("li", { "data-office": o.id },
      el("h2", { text: `${local(o.name, "ja")} / ${local(o.name, "en")}` }),
      el("p", { class: "status", text: o.openNow ? "開庁中 / Open now" : "閉庁中 / Closed now" }),
      el("ul", { class: "links" },
        el("li", {}, el("a", { href: `/kiosk/${id}`, text: "発券機 / Kiosk" })),
        el("li", {}, el("a", { href: `/display/${id}`, text: "呼出表示 / Display" })),
        el("li", {}, el("a", { href: `/book/${id}`, text: "予約 / Book" })),
        el("li", {}, el("a", { href: `/congestion/${id}`, text: "混雑状況・予想 / Congestion and forecast" })),
        el("li", {}, el("a", { href: `/guide/${id}`, text: "フロア案内 / Floor guide" })),
        o.kind === "branch" ? el("li", {}, el("a", { href: `/booth/${id}`, text: "オンライン相談 / Remote consultation booth" })) : null,
        el("li", {}, el("a", { href: `/floor-guide/${id}`, text: "印刷用フロア案内 / Printable floor guide" })),
        ...floors.map((f) => el("li", {}, el("a", { href: `/display/${id}?floor=${encodeURIComponent(f)}`, text: `${f} 呼出表示 / ${f} display` })))));
  }));
  $("#offices").replaceChildren(...items);
}

main();
