// Shared by every page: languages, the REST API, the lobby hub, small DOM helpers.
// Plain ES modules, no build step; signalr.min.js (vendored) provides the global `signalR`.

export const LANGUAGES = [
  { code: "ja", label: "日本語" },
  { code: "en", label: "English" },
  { code: "zh", label: "中文" },
  { code: "ko", label: "한국어" },
  { code: "vi", label: "Tiếng Việt" },
];

const bundles = new Map();
let current = { code: "ja", strings: {}, fallback: {} };

/** Loads a language's strings (Japanese is always the fallback). */
export async function setLanguage(code) {
  if (!LANGUAGES.some((l) => l.code === code)) code = "ja";
  const load = async (c) => {
    if (!bundles.has(c)) {
      const response = await fetch(`/assets/i18n/${c}.json`);
      bundles.set(c, response.ok ? await response.json() : {});
    }
    return bundles.get(c);
  };
  const [strings, fallback] = await Promise.all([load(code), load("ja")]);
  current = { code, strings, fallback };
  document.documentElement.lang = code;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-i18n-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nLabel)));
  return code;
}

export const language = () => current.code;

/** A page string, with {name} placeholders filled in. */
export function t(key, values = {}) {
  const text = current.strings[key] ?? current.fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (values[name] ?? `{${name}}`));
}

/** A string in a given language (the display speaks Japanese and then English whatever is shown). */
export async function tIn(code, key, values = {}) {
  if (!bundles.has(code)) {
    const response = await fetch(`/assets/i18n/${code}.json`);
    bundles.set(code, response.ok ? await response.json() : {});
  }
  const text = bundles.get(code)[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (values[name] ?? `{${name}}`));
}

/** Localised text from the API ({ ja, en, zh?, ko?, vi? }) in the page's language, else English, else Japanese. */
export function local(text, code = current.code) {
  if (!text) return "";
  if (typeof text === "string") return text;
  return text[code] || (code !== "ja" ? text.en : null) || text.ja || "";
}

/**
 * The language a shared device (kiosk, booth, staff pages) starts in: the office's, Japanese, whatever the device's own
 * locale; a language chosen on it lasts for the visit (the kiosk and the booth go back to Japanese at "back to start").
 */
export function officeLanguage() {
  return sessionStorage.getItem("cq.lang") ?? "ja";
}

/** The language a visitor's own browser (their phone) prefers, if we speak it. */
export function preferredLanguage(fallback = "ja") {
  const saved = sessionStorage.getItem("cq.lang");
  if (saved) return saved;
  for (const tag of navigator.languages ?? []) {
    const code = tag.slice(0, 2).toLowerCase();
    if (LANGUAGES.some((l) => l.code === code)) return code;
  }
  return fallback;
}

/**
 * Sets the printed page's size with one of this origin's stylesheets, css/page-{name}.css ("a4", "a3", "receipt80"): the
 * pages' policy allows no inline <style>. Resolves once the sheet applies, so a print started then uses it.
 */
export function setPageSize(name) {
  let link = document.getElementById("page-size");
  if (!link) {
    link = document.createElement("link");
    link.rel = "stylesheet";
    link.id = "page-size";
    document.head.append(link);
  }
  const href = `/assets/css/page-${name}.css`;
  const same = link.getAttribute("href") === href;
  if (same && link.sheet) return Promise.resolve();
  return new Promise((resolve) => {
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", resolve, { once: true }); // printed at the browser's size rather than not at all
    setTimeout(resolve, 3000); // …and never held up by a sheet that neither loads nor fails
    if (!same) link.href = href; // (the same sheet still loading: wait for it)
  });
}

/** "1F" → 「1階」 / "floor 1"; other floor names are left as they are. */
export function floorName(floor) {
  const m = /^B?(\d+)F$/i.exec(floor ?? "");
  if (!m) return floor ?? "";
  const basement = /^B/i.test(floor);
  return t(basement ? "floor.basement" : "floor.above", { n: m[1] });
}

/** A problem (RFC 9457) from the API, as an Error a page can show. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter = null) {
    super(problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    /** Seconds the server asked to wait before trying again (Retry-After on 429 and 503), or null. */
    this.retryAfter = retryAfter;
  }
}

/** Calls the REST API; JSON in and out; problems become ApiError. */
export async function api(path, { method = "GET", body, token, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", "Accept-Language": current.code, ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  // A kiosk registered as a trusted device (Queue:RateLimits:Kiosks) sends its key and gets its own, higher limit.
  const kioskKey = localStorage.getItem("cq.kioskKey");
  if (kioskKey && method !== "GET") init.headers["X-Kiosk-Key"] = kioskKey;
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: t("error.network") });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") ?? "";
  const data = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    throw new ApiError(response.status, data, Number.isNaN(retryAfter) ? null : retryAfter);
  }
  return data;
}

/** A random key for Idempotency-Key (works on plain http too, unlike crypto.randomUUID). */
/**
 * Reads of the same thing overlap (a timer's, an event's, an action's) and can answer out of order: the function
 * returned reads with `read` and hands the answer to `show` only if no read was started after it, so the screen never
 * goes back to an older answer that arrived last.
 */
export function lastReadWins(read, show) {
  let started = 0;
  return async (...args) => {
    const mine = ++started;
    const answer = await read(...args);
    if (mine === started) await show(answer);
  };
}

export function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Connects to the lobby hub and keeps connecting, forever (a lobby TV has nobody to press reload).
 * `onConnected` runs after every (re)connection: join groups again and resynchronise from the REST API.
 */
export function connectLobby({ handlers, onConnected, onStatus }) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/lobby")
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(10000, 500 * 2 ** Math.min(ctx.previousRetryCount, 5)) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  for (const [name, handler] of Object.entries(handlers)) connection.on(name, handler);
  // The host is leaving (a restart, an update): drop the connection at a moment of our own within the time it gives,
  // so the screens of a lobby do not all come back at once; onclose below connects again, to a host that stays.
  connection.on("Reconnect", (advice) => {
    const within = Math.max(0, Math.min(30000, Number(advice?.withinMs) || 0));
    document.body.dataset.reconnectAdvised = String(within); // for whoever looks at the page: told to move, within this
    setTimeout(() => connection.stop(), Math.random() * within);
  });
  const status = (online) => { document.body.dataset.connection = online ? "online" : "offline"; onStatus?.(online); };
  const connected = async () => {
    status(true);
    try { await onConnected(connection); } catch (e) { console.warn("resync failed", e); }
  };
  connection.onreconnecting(() => status(false));
  connection.onreconnected(connected);
  // Automatic reconnect gives up only on a fatal error; then start again from the beginning.
  connection.onclose(() => { status(false); setTimeout(start, 3000); });
  async function start() {
    try {
      await connection.start();
      await connected();
    } catch {
      status(false);
      setTimeout(start, 3000);
    }
  }
  start();
  return connection;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Builds an element: el("li", { class: "x", text: "…" }, child…). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** An SVG element (charts the pages draw themselves: nothing loaded from elsewhere). */
export function svg(tag, attributes = {}, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const tokyoTime = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", hour: "2-digit", minute: "2-digit" });
/** HH:mm in Tokyo time. */
export const timeOf = (iso) => tokyoTime.format(new Date(iso));

/** A language switch: buttons that set the language and remember it for this visit. */
export function languageSwitch(container, onChange, languages = LANGUAGES) {
  container.replaceChildren(...languages.map((l) => el("button", {
    type: "button", class: "lang", lang: l.code, "data-lang": l.code, text: l.label,
    onclick: async () => { sessionStorage.setItem("cq.lang", l.code); await setLanguage(l.code); mark(); onChange?.(l.code); },
  })));
  const mark = () => container.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === language())));
  mark();
  return mark;
}

/** Signs in (staff, guide, admin pages): the bearer token is kept for this browser tab only. */
export async function signIn(username, password) {
  const result = await api("/api/auth/token", { method: "POST", body: { username, password } });
  sessionStorage.setItem("cq.token", result.accessToken);
  return result.accessToken;
}

/**
 * The sign-in form every staff page has (#login with #username, #password, #login-error): signs in, forgets the
 * password, and hands the token to `onSignedIn`; a wrong password or any other failure is said under the form.
 */
export function bindSignIn(onSignedIn) {
  $("#login").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#login-error").textContent = "";
    try {
      const token = await signIn($("#username").value, $("#password").value);
      $("#password").value = "";
      await onSignedIn(token);
    } catch (e) {
      $("#login-error").textContent = e.status === 401 ? t("staff.loginFailed") : e.message;
    }
  });
}

export const savedToken = () => sessionStorage.getItem("cq.token");
export const signOut = () => sessionStorage.removeItem("cq.token");
