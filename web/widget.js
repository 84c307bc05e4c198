/*! Sarto — the storefront shopping assistant, as one script tag.
 *
 *   <script src="https://HOST/widget.js" data-api-base="https://HOST" async></script>
 *
 * creates <sarto-assistant> (also usable directly:
 *   <sarto-assistant api-base="https://HOST" lang="it" layout="image-grid" shopper-token="…">).
 * A store chosen before the chat (`store="MI01"`, `data-store` on the script, or `?store=MI01` in the
 * page's URL) is kept for the tab's session and sent with each turn (context.store_code).
 * Plain modern JavaScript: no build step, no framework, no network but the Sarto API.
 * Strict-CSP friendly: open shadow root, styles through a constructed stylesheet, every node built
 * with createElement/textContent (never innerHTML, never eval).
 *
 * Theming — CSS custom properties, set them on `sarto-assistant` in the host page:
 *   --sarto-accent            buttons, launcher, links            default #1f3a5f
 *   --sarto-accent-contrast   text on the accent                  default #ffffff
 *   --sarto-bg                panel background                    default #ffffff
 *   --sarto-fg                text                                default #1d1d1f
 *   --sarto-muted             secondary text                      default #5b5f66
 *   --sarto-border            hairlines                           default #d9d9de
 *   --sarto-surface           cards, assistant bubbles            default #f5f5f7
 *   --sarto-danger            over budget, errors                 default #b3261e
 *   --sarto-success           fits budget, pickup code            default #1b6e3a
 *   --sarto-font              font stack                          default system-ui stack
 *   --sarto-radius            corner radius                       default 12px
 *   --sarto-panel-width       desktop panel width                 default 420px
 *   --sarto-z                 z-index of launcher and panel       default 2147483000
 *
 * Host page API (no globals beyond the queue):
 *   window.Sarto = window.Sarto || []; Sarto.push(["open"]) | ["close"] | ["toggle"] |
 *   ["ask", "Ciao"] | ["setShopperToken", jwt] | ["setLayout", "spec-table"] |
 *   ["track", {type: "search", text: "giacca"}]   (posts a browsing event with the widget's token)
 * Events on the element (bubbling, composed): sarto:open, sarto:close, sarto:reserve,
 *   sarto:add-to-cart {items: [{sku, variant_id, size, price, currency, title}]}.
 * Element methods: open(), close(), toggle(), ask(text), track(event), setShopperToken(token).
 */
(() => {
  "use strict";
  if (window.customElements.get("sarto-assistant")) return; // the tag was included twice

  const SCRIPT = document.currentScript;
  const KEY = { device: "sarto.device", auth: "sarto.auth", layout: "sarto.layout", thread: "sarto.thread",
    store: "sarto.store" };
  const STORE_CODE = /^[A-Za-z0-9_-]{1,32}$/;
  const LAYOUTS = ["image-grid", "spec-table"];

  // ---- UI strings ---------------------------------------------------------------------------
  const STRINGS = {
    it: {
      launcher: "Chiedi a Sarto", openLabel: "Apri l'assistente Sarto", dialog: "Assistente Sarto",
      title: "Sarto", subtitle: "il tuo stylist", close: "Chiudi l'assistente",
      greeting: "Ciao! Sono Sarto. Dimmi cosa stai cercando e ti preparo il look completo.",
      placeholder: "Scrivi un messaggio…", inputLabel: "Messaggio per Sarto", send: "Invia",
      you: "Tu", assistant: "Sarto", thinking: "Sto pensando…",
      steps: { load_context: "Guardo cosa hai visto…", infer_goal: "Capisco cosa cerchi…",
        plan: "Scelgo i capi…", tools: "Consulto catalogo e negozi…", compose: "Preparo il look…" },
      why: "Perché questi?", goal: "Obiettivo", confidence: "sicurezza", evidence: "Indizi",
      constraints: "Vincoli", budget: "Budget", sizes: "Taglie", colours: "Colori", place: "Dove",
      exclusions: "Da evitare", perItem: "a capo",
      evidenceType: { search: "Ricerca", product_view: "Prodotto visto", content_view: "Contenuto visto",
        add_to_cart: "Nel carrello", purchase: "Acquisto", message: "Messaggio" },
      lookFor: "Il look per", view: "Vista", grid: "Immagini", table: "Tabella",
      item: "Capo", price: "Prezzo", fabric: "Tessuto", fit: "Vestibilità", sizesInStock: "Taglie disponibili",
      where: "Negozio / online", size: "Taglia", total: "Totale", overBy: "Oltre il budget di",
      fits: "Nel budget", online: "Online", inStore: "In negozio", noStock: "Non disponibile",
      allAt: "Tutto disponibile:", missing: "Non trovati:", alternatives: "Alternative", saves: "Risparmi",
      add: "Aggiungi", addLabel: "Aggiungi al carrello:", addAll: "Aggiungi tutto il look",
      added: "Aggiunto al carrello", reserve: "Prenota il ritiro", reserveMsg: "Prenota il ritiro",
      confirmTitle: "Conferma la prenotazione", store: "Negozio", holdUntil: "Te lo teniamo fino a",
      confirm: "Conferma", cancel: "Annulla", confirmMsg: "Confermo la prenotazione",
      declineMsg: "Annulla la prenotazione", pickupCode: "Codice di ritiro", products: "Prodotti",
      availability: "Disponibilità", qty: "Pezzi", distance: "Distanza", city: "Città",
      error: "Qualcosa è andato storto. Riprova tra poco.", retry: "Riprova",
      cancelled: "Richiesta annullata.", authError: "Non riesco a collegarmi a Sarto.",
      tableRegion: "Tabella del look, scorrevole",
    },
    en: {
      launcher: "Ask Sarto", openLabel: "Open the Sarto assistant", dialog: "Sarto assistant",
      title: "Sarto", subtitle: "your stylist", close: "Close the assistant",
      greeting: "Hi! I'm Sarto. Tell me what you're looking for and I'll put the whole look together.",
      placeholder: "Type a message…", inputLabel: "Message for Sarto", send: "Send",
      you: "You", assistant: "Sarto", thinking: "Thinking…",
      steps: { load_context: "Looking at what you browsed…", infer_goal: "Working out what you need…",
        plan: "Choosing the pieces…", tools: "Checking catalogue and stores…", compose: "Putting the look together…" },
      why: "Why these?", goal: "Goal", confidence: "confidence", evidence: "Evidence",
      constraints: "Constraints", budget: "Budget", sizes: "Sizes", colours: "Colours", place: "Where",
      exclusions: "Avoid", perItem: "per item",
      evidenceType: { search: "Search", product_view: "Viewed", content_view: "Watched",
        add_to_cart: "In cart", purchase: "Purchase", message: "Message" },
      lookFor: "The look for", view: "View", grid: "Images", table: "Table",
      item: "Item", price: "Price", fabric: "Fabric", fit: "Fit", sizesInStock: "Sizes in stock",
      where: "Store / online", size: "Size", total: "Total", overBy: "Over budget by",
      fits: "Within budget", online: "Online", inStore: "In store", noStock: "Not available",
      allAt: "All available at:", missing: "Not found:", alternatives: "Alternatives", saves: "You save",
      add: "Add", addLabel: "Add to cart:", addAll: "Add the whole look",
      added: "Added to cart", reserve: "Reserve for pickup", reserveMsg: "Reserve it for pickup",
      confirmTitle: "Confirm your reservation", store: "Store", holdUntil: "Held for you until",
      confirm: "Confirm", cancel: "Cancel", confirmMsg: "I confirm the reservation",
      declineMsg: "Cancel the reservation", pickupCode: "Pickup code", products: "Products",
      availability: "Availability", qty: "Qty", distance: "Distance", city: "City",
      error: "Something went wrong. Please try again shortly.", retry: "Try again",
      cancelled: "Request cancelled.", authError: "I can't reach Sarto right now.",
      tableRegion: "Outfit table, scrollable",
    },
  };
  const GOALS = {
    job_interview: ["colloquio di lavoro", "job interview"], office_everyday: ["ufficio", "everyday office"],
    wedding_guest: ["invitato a un matrimonio", "wedding guest"], formal_evening: ["serata elegante", "formal evening"],
    date_night: ["appuntamento", "date night"], casual_weekend: ["weekend casual", "casual weekend"],
    rainy_days: ["giornate di pioggia", "rainy days"], winter_cold: ["freddo invernale", "winter cold"],
    beach_holiday: ["vacanza al mare", "beach holiday"], outdoor_hiking: ["escursionismo", "hiking"],
    sport_training: ["allenamento", "sport training"], business_travel: ["viaggio di lavoro", "business travel"],
    unknown: ["da capire", "not sure yet"],
  };
  const SLOTS = {
    jacket: ["giacca", "jacket"], trousers: ["pantaloni", "trousers"], shirt: ["camicia", "shirt"],
    shoes: ["scarpe", "shoes"], tie: ["cravatta", "tie"], belt: ["cintura", "belt"], top: ["top", "top"],
    bag: ["borsa", "bag"], suit: ["abito", "suit"], dress: ["vestito", "dress"], skirt: ["gonna", "skirt"],
    knitwear: ["maglieria", "knitwear"], coat: ["capospalla", "outerwear"], swimwear: ["costume", "swimwear"],
    scarf: ["sciarpa", "scarf"], hat: ["cappello", "hat"],
  };
  const label = (table, key, lang) => (table[key] ? table[key][lang === "en" ? 1 : 0] : String(key || ""));

  // ---- small helpers ------------------------------------------------------------------------
  const memoryStore = new Map();
  function storage(kind) {
    try {
      const s = window[kind];
      s.setItem("sarto.probe", "1");
      s.removeItem("sarto.probe");
      return s;
    } catch {
      // Privacy modes throw on storage: keep the session in memory for this page.
      return { getItem: (k) => memoryStore.get(k) ?? null, setItem: (k, v) => memoryStore.set(k, String(v)),
        removeItem: (k) => memoryStore.delete(k) };
    }
  }
  const local = storage("localStorage");
  const session = storage("sessionStorage");
  const readJSON = (store, key) => { try { return JSON.parse(store.getItem(key) || "null"); } catch { return null; } };

  function uuid() {
    if (window.crypto && crypto.randomUUID && window.isSecureContext) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  function jwtSubject(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "="))).sub || null;
    } catch { return null; }
  }

  /** h("button", {class: "x", type: "button", onclick: fn}, "text", child) — DOM without innerHTML. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) if (c != null && c !== false) el.append(c);
    return el;
  }
  function svgIcon(pathD) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
    const p = document.createElementNS(ns, "path"); p.setAttribute("d", pathD); svg.append(p);
    return svg;
  }
  const ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const ICON_CLOSE = "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12 19 6.4 17.6 5 12 10.6z";

  const amountOf = (p) => (p == null ? null : typeof p === "object" ? Number(p.amount ?? p.max) : Number(p));
  function money(p, lang, currency) {
    const amount = amountOf(p);
    if (amount == null || Number.isNaN(amount)) return "";
    const cur = (p && typeof p === "object" && p.currency) || currency || "EUR";
    return new Intl.NumberFormat(lang === "en" ? "en-GB" : "it-IT", { style: "currency", currency: cur }).format(amount);
  }
  const fabricText = (f) => (Array.isArray(f) ? f.map((x) => (x.pct != null ? `${x.pct}% ${x.fibre}` : x.fibre)).join(", ") : f || "");
  const km = (d, lang) => new Intl.NumberFormat(lang === "en" ? "en-GB" : "it-IT", { maximumFractionDigits: 1 }).format(d) + " km";

  /** RFC 6902 add/replace/remove on plain JSON (enough for STATE_DELTA and ACTIVITY_DELTA). */
  function applyPatch(doc, ops) {
    let root = doc ?? {};
    for (const op of ops || []) {
      const keys = String(op.path || "").split("/").slice(1).map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
      if (keys.length === 0) { root = op.op === "remove" ? {} : op.value; continue; }
      let parent = root;
      for (const k of keys.slice(0, -1)) {
        if (parent[k] == null || typeof parent[k] !== "object") parent[k] = {};
        parent = parent[k];
      }
      const last = keys[keys.length - 1];
      if (op.op === "remove") Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last];
      else if (Array.isArray(parent) && op.op === "add") parent.splice(last === "-" ? parent.length : Number(last), 0, op.value);
      else if (op.op === "add" || op.op === "replace") parent[last] = op.value;
    }
    return root;
  }

  // ---- SSE: LF framing, id/data/retry fields, comments (": ping") ------------------------
  class SSEParser {
    constructor(onEvent) {
      this.onEvent = onEvent; this.buffer = ""; this.data = []; this.event = ""; this.lastEventId = null;
      this.retry = null; this.comments = 0;
    }
    push(chunk) {
      this.buffer += chunk.replace(/\r\n?/g, "\n"); // tolerate CRLF servers too
      let nl;
      while ((nl = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.line(line);
      }
    }
    end() { if (this.buffer) this.line(this.buffer); this.buffer = ""; this.line(""); }
    line(line) {
      if (line === "") {
        if (this.data.length) this.onEvent({ id: this.lastEventId, event: this.event || "message", data: this.data.join("\n") });
        this.data = []; this.event = "";
        return;
      }
      if (line[0] === ":") { this.comments += 1; return; }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value[0] === " ") value = value.slice(1);
      if (field === "data") this.data.push(value);
      else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
      else if (field === "event") this.event = value;
      else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
    }
  }

  // ---- auth: guest token per device, or the host's shopper token; refresh on 401 ----------
  class ApiSession {
    constructor(apiBase) { this.apiBase = apiBase; this.hostToken = null; this.pending = null; }
    url(path) { return new URL(path, this.apiBase).toString(); }
    setShopperToken(token) { this.hostToken = token || null; }
    deviceId() {
      let id = local.getItem(KEY.device);
      if (!id) { id = uuid(); local.setItem(KEY.device, id); }
      return id;
    }
    saved() {
      const a = readJSON(local, KEY.auth);
      return a && a.apiBase === this.apiBase ? a : null;
    }
    async store(res) {
      if (!res.ok) throw await ApiError.from(res);
      const body = await res.json();
      const auth = { apiBase: this.apiBase, token: body.token, refresh_token: body.refresh_token,
        shopper_id: body.shopper_id, expires_at: Date.now() + 1000 * Number(body.expires_in || 900) };
      local.setItem(KEY.auth, JSON.stringify(auth));
      return auth;
    }
    /** {token, shopperId}; several callers at once share one request. */
    async credentials(force = false) {
      if (this.hostToken) return { token: this.hostToken, shopperId: jwtSubject(this.hostToken) };
      if (!this.pending) {
        this.pending = (async () => {
          const saved = this.saved();
          if (saved && !force && saved.expires_at - 30000 > Date.now()) return saved;
          if (saved && saved.refresh_token) {
            const r = await fetch(this.url("/v1/auth/refresh"), { method: "POST", headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ refresh_token: saved.refresh_token }) }).catch(() => null);
            if (r && r.ok) return this.store(r);
          }
          return this.store(await fetch(this.url("/v1/auth/guest"), { method: "POST",
            headers: { "Content-Type": "application/json" }, body: JSON.stringify({ device_id: this.deviceId() }) }));
        })().finally(() => { this.pending = null; });
      }
      const a = await this.pending;
      return { token: a.token, shopperId: a.shopper_id };
    }
    /** fetch with the bearer token; one refresh and retry on 401. */
    async fetch(path, init = {}, lang = "it") {
      for (let attempt = 0; ; attempt += 1) {
        const { token } = await this.credentials(attempt > 0);
        const headers = new Headers(init.headers || {});
        headers.set("Authorization", `Bearer ${token}`);
        headers.set("Accept-Language", lang);
        const res = await fetch(this.url(path), { ...init, headers });
        if (res.status !== 401 || attempt > 0 || this.hostToken) return res;
      }
    }
    async track(event) {
      const { shopperId } = await this.credentials();
      const ev = { at: new Date().toISOString(), ...event };
      // keepalive: the storefront often navigates away right after a product view or search.
      const res = await this.fetch(`/v1/shoppers/${encodeURIComponent(shopperId)}/events`, { method: "POST", keepalive: true,
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ events: [ev] }) });
      if (!res.ok) throw await ApiError.from(res);
      return res.json();
    }
  }
  const sessions = new Map();
  const sessionFor = (apiBase) => {
    if (!sessions.has(apiBase)) sessions.set(apiBase, new ApiSession(apiBase));
    return sessions.get(apiBase);
  };

  class ApiError extends Error {
    constructor(message, status, code) { super(message); this.status = status; this.code = code; }
    static async from(res) {
      let p = {};
      try { p = await res.json(); } catch { /* not problem+json */ }
      return new ApiError(p.detail || p.title || `HTTP ${res.status}`, res.status, p.code || `http_${res.status}`);
    }
  }

  // ---- the interrupt that ends a run waiting for a reservation confirmation ----------------
  function findInterrupt(ev) {
    const o = ev.outcome;
    let it = null;
    if (o && typeof o === "object" && (o.type === "interrupt" || Array.isArray(o.interrupts))) it = (o.interrupts || [])[0] || o.interrupt || o;
    else if (ev.interrupt) it = Array.isArray(ev.interrupt) ? ev.interrupt[0] : ev.interrupt;
    else if (Array.isArray(ev.interrupts)) it = ev.interrupts[0];
    if (!it) {
      const pr = ev.result && (ev.result.pending_reservation || ev.result.pendingReservation);
      return pr ? { id: null, payload: pr } : null;
    }
    const meta = it.metadata && typeof it.metadata === "object" ? it.metadata : null;
    const payload = it.payload ?? it.value ?? (meta && (meta.payload ?? meta)) ?? {};
    return { id: it.id ?? it.interruptId ?? it.interrupt_id ?? null, message: it.message || null, payload,
      expiresAt: it.expiresAt || it.expires_at || null };
  }
  function findPickupCode(value, depth = 0) {
    if (!value || typeof value !== "object" || depth > 5) return null;
    for (const [k, v] of Object.entries(value)) {
      if ((k === "pickup_code" || k === "pickupCode") && typeof v === "string") return v;
      const inner = findPickupCode(v, depth + 1);
      if (inner) return inner;
    }
    return null;
  }

  // ---- styles (adopted, so no inline <style> is needed under a strict CSP) ------------------
  const CSS = `
:host { all: initial; --_accent: var(--sarto-accent, #1f3a5f); --_on-accent: var(--sarto-accent-contrast, #fff);
  --_bg: var(--sarto-bg, #fff); --_fg: var(--sarto-fg, #1d1d1f); --_muted: var(--sarto-muted, #5b5f66);
  --_border: var(--sarto-border, #d9d9de); --_surface: var(--sarto-surface, #f5f5f7);
  --_danger: var(--sarto-danger, #b3261e); --_ok: var(--sarto-success, #1b6e3a);
  --_radius: var(--sarto-radius, 12px); --_z: var(--sarto-z, 2147483000);
  font-family: var(--sarto-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  color: var(--_fg); font-size: 15px; line-height: 1.4; }
* { box-sizing: border-box; font: inherit; }
button { cursor: pointer; border-radius: calc(var(--_radius) / 1.5); border: 1px solid var(--_accent);
  background: var(--_bg); color: var(--_accent); padding: 6px 12px; min-height: 36px; }
button.primary { background: var(--_accent); color: var(--_on-accent); }
button:disabled { opacity: .5; cursor: default; }
:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
a { color: var(--_accent); }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.launcher { position: fixed; right: 20px; bottom: 20px; z-index: var(--_z); display: flex; align-items: center; gap: 8px;
  border-radius: 999px; padding: 12px 18px; background: var(--_accent); color: var(--_on-accent); border: 0;
  box-shadow: 0 6px 20px rgba(0,0,0,.25); min-height: 48px; }
.launcher svg { width: 22px; height: 22px; fill: currentColor; }
.panel { position: fixed; right: 20px; bottom: 84px; z-index: var(--_z); width: var(--sarto-panel-width, 420px);
  height: min(680px, calc(100vh - 110px)); display: flex; flex-direction: column; background: var(--_bg);
  border: 1px solid var(--_border); border-radius: var(--_radius); box-shadow: 0 12px 40px rgba(0,0,0,.25); overflow: hidden; }
.panel[hidden] { display: none; }
header.top { display: flex; align-items: center; gap: 8px; padding: 10px 12px; background: var(--_accent); color: var(--_on-accent); }
header.top h2 { margin: 0; font-size: 17px; font-weight: 650; flex: 1; }
header.top h2 small { font-weight: 400; opacity: .85; margin-left: 6px; font-size: 13px; }
header.top button { border-color: transparent; background: transparent; color: inherit; padding: 4px; min-width: 36px; }
header.top svg { width: 22px; height: 22px; fill: currentColor; }
header.top :focus-visible { outline-color: var(--_on-accent); }
details.why { border-bottom: 1px solid var(--_border); padding: 6px 12px; font-size: 13px; background: var(--_surface);
  max-height: 40%; overflow-y: auto; flex-shrink: 0; }
details.why[hidden] { display: none; }
details.why summary { cursor: pointer; color: var(--_accent); font-weight: 600; }
details.why ul { margin: 4px 0; padding-left: 18px; }
.goal-line { margin: 6px 0 2px; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; }
.msg { max-width: 92%; padding: 8px 12px; border-radius: var(--_radius); white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.user { align-self: flex-end; background: var(--_accent); color: var(--_on-accent); }
.msg.assistant { align-self: flex-start; background: var(--_surface); }
.status { min-height: 20px; padding: 0 12px; font-size: 13px; color: var(--_muted); }
form.compose { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--_border); }
form.compose input { flex: 1; min-width: 0; padding: 8px 10px; border: 1px solid var(--_border); border-radius: calc(var(--_radius) / 1.5);
  color: var(--_fg); background: var(--_bg); }
.card { border: 1px solid var(--_border); border-radius: var(--_radius); padding: 10px; background: var(--_bg); }
.card h3 { margin: 0 0 6px; font-size: 15px; font-weight: 650; }
.card-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
.toggle { display: inline-flex; gap: 4px; }
.toggle button { min-height: 30px; padding: 2px 10px; font-size: 13px; }
.toggle button[aria-pressed="true"] { background: var(--_accent); color: var(--_on-accent); }
ul.grid { list-style: none; margin: 8px 0; padding: 0; display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
ul.grid li { display: flex; flex-direction: column; gap: 3px; font-size: 13px; }
ul.grid img { width: 100%; aspect-ratio: 3 / 4; object-fit: cover; border-radius: calc(var(--_radius) / 1.5); background: var(--_surface); display: block; }
ul.grid .title { font-weight: 600; text-decoration: none; }
.price { font-weight: 700; }
.muted, .avail { color: var(--_muted); font-size: 12px; }
.why-item { font-size: 12px; color: var(--_muted); font-style: italic; }
.scroll { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--_border); vertical-align: top; }
th { font-weight: 650; white-space: nowrap; }
tfoot td, tfoot th { border-bottom: 0; font-weight: 700; }
td.num { white-space: nowrap; }
.total { margin: 6px 0; font-weight: 700; }
.total.over { color: var(--_danger); }
.flag { display: inline-block; margin-left: 4px; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700; }
.flag.over { background: var(--_danger); color: #fff; }
.flag.ok { background: var(--_ok); color: #fff; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
details.alts { margin-top: 6px; font-size: 13px; }
details.alts summary { cursor: pointer; color: var(--_accent); }
.confirm { border: 2px solid var(--_accent); }
.pickup { border: 2px solid var(--_ok); color: var(--_ok); font-weight: 700; }
.pickup code { font-size: 18px; letter-spacing: 2px; font-family: ui-monospace, Menlo, Consolas, monospace; }
.error { border-color: var(--_danger); color: var(--_danger); }
.error p { margin: 0 0 6px; }
@media (max-width: 480px) {
  .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; border: 0; }
  .launcher.open { display: none; }
  ul.grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@media (prefers-reduced-motion: no-preference) { .panel { transition: opacity .15s ease; } }
`;
  let sheet = null;
  const styleSheet = () => {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return sheet;
  };

  // ---- the element ------------------------------------------------------------------------
  class SartoAssistant extends HTMLElement {
    static get observedAttributes() { return ["lang", "layout", "shopper-token", "api-base"]; }

    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      this.root.adoptedStyleSheets = [styleSheet()];
      this.state = { goal: null, constraints: null, presentation: null };
      this.cards = new Map(); // card id -> {el, type, content}
      this.busy = false;
      this.lastTurn = null;
      this.built = false;
    }

    get language() {
      const own = (this.getAttribute("lang") || "").toLowerCase();
      if (own) return own.startsWith("en") ? "en" : "it";
      return (document.documentElement.lang || "").toLowerCase().startsWith("en") ? "en" : "it";
    }
    get t() { return STRINGS[this.language]; }
    get apiBase() {
      const attr = this.getAttribute("api-base") || (SCRIPT && SCRIPT.dataset.apiBase);
      if (attr) return new URL(attr, location.href).origin + new URL(attr, location.href).pathname.replace(/\/$/, "") + "/";
      return (SCRIPT && SCRIPT.src ? new URL(SCRIPT.src).origin : location.origin) + "/";
    }
    get api() { return sessionFor(this.apiBase); }
    get layout() {
      const chosen = local.getItem(KEY.layout) || this.getAttribute("layout");
      return LAYOUTS.includes(chosen) ? chosen : null;
    }
    /** The store the shopper chose before the chat (a store page, or its link `?store=MI01`):
     *  kept for the tab's session and sent with each turn as context.store_code. */
    get store() {
      const chosen = this.getAttribute("store") || (SCRIPT && SCRIPT.dataset.store)
        || new URLSearchParams(location.search).get("store");
      if (chosen && STORE_CODE.test(chosen)) session.setItem(KEY.store, chosen.toUpperCase());
      const kept = session.getItem(KEY.store);
      return kept && STORE_CODE.test(kept) ? kept : null;
    }
    get threadId() {
      let id = session.getItem(KEY.thread);
      if (!id) { id = uuid(); session.setItem(KEY.thread, id); }
      return id;
    }

    connectedCallback() {
      if (!this.built) this.build();
      if (this.hasAttribute("shopper-token")) this.api.setShopperToken(this.getAttribute("shopper-token"));
      // Follow the page's language switch when no lang attribute pins ours.
      this.htmlObserver = new MutationObserver(() => this.relabel());
      this.htmlObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
      // Esc also closes when focus fell back to the page body (e.g. a pressed button got disabled).
      this.onDocKey = (e) => {
        if (e.key === "Escape" && this.isOpen && (document.activeElement === document.body || document.activeElement === this)) this.close();
      };
      document.addEventListener("keydown", this.onDocKey);
    }
    disconnectedCallback() {
      if (this.htmlObserver) this.htmlObserver.disconnect();
      document.removeEventListener("keydown", this.onDocKey);
    }
    attributeChangedCallback(name, _old, value) {
      if (!this.built) return;
      if (name === "shopper-token") this.api.setShopperToken(value);
      if (name === "lang") this.relabel();
    }

    build() {
      this.built = true;
      const t = this.t;
      this.launcher = h("button", { class: "launcher", type: "button", "aria-haspopup": "dialog", "aria-expanded": "false",
        "aria-controls": "sarto-panel", onclick: () => this.toggle() }, svgIcon(ICON_CHAT), h("span", { class: "launcher-text" }));
      this.titleEl = h("h2", { id: "sarto-title" });
      this.closeBtn = h("button", { type: "button", class: "close", onclick: () => this.close() }, svgIcon(ICON_CLOSE));
      this.why = h("details", { class: "why", hidden: true });
      this.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions text" });
      this.status = h("div", { class: "status", role: "status" });
      this.input = h("input", { id: "sarto-input", type: "text", autocomplete: "off", enterkeyhint: "send", maxlength: "4000" });
      this.inputLabel = h("label", { for: "sarto-input", class: "vh" });
      this.sendBtn = h("button", { type: "submit", class: "primary" });
      const form = h("form", { class: "compose", onsubmit: (e) => { e.preventDefault(); this.submit(); } },
        this.inputLabel, this.input, this.sendBtn);
      this.panel = h("section", { class: "panel", id: "sarto-panel", role: "dialog", "aria-modal": "false",
        "aria-labelledby": "sarto-title", hidden: true },
      h("header", { class: "top" }, this.titleEl, this.closeBtn), this.why, this.log, this.status, form);
      this.panel.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); this.close(); } });
      this.root.append(this.launcher, this.panel);
      this.relabel();
    }

    relabel() {
      const t = this.t;
      this.launcher.setAttribute("aria-label", t.openLabel);
      this.launcher.querySelector(".launcher-text").textContent = t.launcher;
      this.panel.setAttribute("aria-label", t.dialog);
      this.titleEl.replaceChildren(t.title, h("small", { text: t.subtitle }));
      this.closeBtn.setAttribute("aria-label", t.close);
      this.input.placeholder = t.placeholder;
      this.inputLabel.textContent = t.inputLabel;
      this.sendBtn.textContent = t.send;
      this.renderWhy();
      for (const card of this.cards.values()) this.renderCard(card);
    }

    emit(name, detail) { this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true })); }

    // ---- public API ----
    get isOpen() { return !this.panel.hidden; }
    open() {
      if (this.isOpen) { this.input.focus(); return; }
      this.panel.hidden = false;
      this.launcher.setAttribute("aria-expanded", "true");
      this.launcher.classList.add("open");
      if (!this.log.childElementCount) this.restore();
      this.input.focus();
      this.api.credentials().catch(() => {}); // warm the token so the first turn starts sooner
      this.emit("sarto:open", {});
    }
    close() {
      if (!this.isOpen) return;
      this.panel.hidden = true;
      this.launcher.setAttribute("aria-expanded", "false");
      this.launcher.classList.remove("open");
      this.launcher.focus();
      this.emit("sarto:close", {});
    }
    toggle() { this.isOpen ? this.close() : this.open(); }
    setShopperToken(token) { this.setAttribute("shopper-token", token); }
    setLayout(layout) { if (LAYOUTS.includes(layout)) { local.setItem(KEY.layout, layout); this.relabel(); } }
    ask(text) { this.open(); return this.runTurn({ text: String(text) }); }
    track(event) { return this.api.track(event); }

    submit() {
      const text = this.input.value.trim();
      if (!text || this.busy) return;
      this.input.value = "";
      this.runTurn({ text });
    }

    /** After a page navigation the thread goes on: show what was said so far, else greet. */
    async restore() {
      const threadId = session.getItem(KEY.thread);
      const greet = () => { if (!this.log.childElementCount) this.addMessage("assistant", this.t.greeting); };
      if (!threadId) { greet(); return; }
      this.restoring = true;
      try {
        const res = await this.api.fetch(`/v1/threads/${encodeURIComponent(threadId)}`, {}, this.language);
        if (!res.ok) { greet(); return; }
        const thread = await res.json();
        if (this.log.childElementCount) return; // the shopper already started typing a new turn
        for (const m of thread.messages || []) if (m.text) this.addMessage(m.role === "user" ? "user" : "assistant", m.text);
        const cards = thread.cards || [];
        const last = cards[cards.length - 1];
        if (last && last.type) this.upsertCard(`restored-${cards.length}`, last.type, last);
        greet();
      } catch { greet(); } finally { this.restoring = false; }
    }

    // ---- transcript ----
    addMessage(role, text) {
      const el = h("div", { class: `msg ${role}` }, h("span", { class: "vh", text: `${role === "user" ? this.t.you : this.t.assistant}: ` }));
      if (text) el.append(text);
      this.log.append(el);
      this.scrollDown();
      return el;
    }
    scrollDown() { this.log.scrollTop = this.log.scrollHeight; }
    setStatus(text) { this.status.textContent = text || ""; }

    // ---- one turn: POST the run, stream it, resume after a drop ----
    async runTurn({ text, resume = null, interrupt = null }) {
      if (this.busy) return;
      this.busy = true;
      this.panel.dataset.state = "running"; // for integrators and tests; not announced
      this.sendBtn.disabled = true;
      this.lastTurn = { text, resume, interrupt };
      this.addMessage("user", text);
      this.setStatus(this.t.thinking);
      const run = { id: uuid(), lastId: null, lastSeq: -1, finished: false, texts: new Map(), retryMs: 1000 };
      const forwardedProps = { language: this.language };
      if (this.layout) forwardedProps.layout = this.layout;
      if (this.store) forwardedProps.context = { store_code: this.store };
      if (resume) forwardedProps.resume = resume;
      const input = { threadId: this.threadId, runId: run.id, messages: [{ id: uuid(), role: "user", content: text }],
        state: {}, tools: [], context: [], forwardedProps };
      if (resume && interrupt && interrupt.id) {
        input.resume = [{ interruptId: interrupt.id, status: resume === "confirm" ? "resolved" : "cancelled",
          payload: resume }];
      }
      try {
        const res = await this.api.fetch("/v1/agent/run", { method: "POST", body: JSON.stringify(input),
          headers: { "Content-Type": "application/json", Accept: "text/event-stream" } }, this.language);
        if (!res.ok) throw await ApiError.from(res);
        await this.consume(res, run);
        for (let attempt = 0; !run.finished && attempt < 6; attempt += 1) {
          await sleep(Math.min(run.retryMs * (attempt + 1), 5000));
          const headers = { Accept: "text/event-stream" };
          let path = `/v1/runs/${encodeURIComponent(run.id)}/events`;
          if (run.lastId) headers["Last-Event-ID"] = run.lastId; else path += "?after=0";
          let again;
          try { again = await this.api.fetch(path, { headers }, this.language); } catch { continue; }
          if (!again.ok) throw await ApiError.from(again);
          await this.consume(again, run);
        }
        if (!run.finished) throw new ApiError(this.t.error, 0, "stream_lost");
      } catch (err) {
        this.showError(err);
      } finally {
        this.busy = false;
        this.panel.dataset.state = "idle";
        this.sendBtn.disabled = false;
        this.setStatus("");
      }
    }

    /** Read one SSE response; returns when it ends or drops (the caller resumes if unfinished). */
    async consume(res, run) {
      const parser = new SSEParser((msg) => this.onSSE(msg, run));
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(decoder.decode(value, { stream: true }));
          if (parser.retry) run.retryMs = parser.retry;
        }
        parser.push(decoder.decode());
        parser.end();
      } catch (err) {
        if (err instanceof ApiError) throw err;
        // A network drop mid-stream: fall through, runTurn resumes from run.lastId.
      }
    }

    onSSE(msg, run) {
      if (run.finished) return;
      const seq = msg.id ? Number(String(msg.id).split(":").pop()) : NaN;
      if (!Number.isNaN(seq)) {
        if (seq <= run.lastSeq) return; // already shown before a resume: never duplicate text
        run.lastSeq = seq;
        run.lastId = msg.id;
      }
      let ev;
      try { ev = JSON.parse(msg.data); } catch { return; }
      this.onEvent(ev, run);
    }

    onEvent(ev, run) {
      const t = this.t;
      switch (ev.type) {
        case "RUN_STARTED": break;
        case "STEP_STARTED": this.setStatus(t.steps[ev.stepName] || t.thinking); break;
        case "TOOL_CALL_START": this.setStatus(t.steps.tools); break;
        case "STATE_SNAPSHOT": this.state = { ...this.state, ...(ev.snapshot || {}) }; this.renderWhy(); break;
        case "STATE_DELTA": this.state = applyPatch(this.state, ev.delta); this.renderWhy(); break;
        case "TEXT_MESSAGE_START": this.textBubble(run, ev.messageId); break;
        case "TEXT_MESSAGE_CONTENT": {
          const el = this.textBubble(run, ev.messageId);
          el.append(ev.delta || "");
          this.scrollDown();
          break;
        }
        case "ACTIVITY_SNAPSHOT": this.upsertCard(ev.messageId, ev.activityType, ev.content); break;
        case "ACTIVITY_DELTA": {
          const card = this.cards.get(ev.messageId);
          if (card) this.upsertCard(ev.messageId, card.type, applyPatch(structuredClone(card.content), ev.patch));
          break;
        }
        case "RUN_FINISHED": {
          run.finished = true;
          const interrupt = findInterrupt(ev);
          if (interrupt) this.showConfirmation(interrupt);
          const code = findPickupCode(ev.result);
          if (code) this.showPickup(code);
          break;
        }
        case "RUN_ERROR":
          run.finished = true;
          this.showError(new ApiError(ev.message || t.error, 0, ev.code || "run_error"));
          break;
        default: break;
      }
    }

    textBubble(run, messageId) {
      let el = run.texts.get(messageId);
      if (!el) { el = this.addMessage("assistant", ""); run.texts.set(messageId, el); }
      return el;
    }

    showError(err) {
      const t = this.t;
      const cancelled = err && err.code === "cancelled";
      const detail = err && err.message && err.message !== t.error ? err.message : null;
      const retry = h("button", { type: "button", class: "primary", text: t.retry, onclick: () => {
        box.remove();
        const last = this.lastTurn;
        if (last) { this.log.lastElementChild?.classList.contains("user") && this.log.lastElementChild.remove(); this.runTurn(last); }
      } });
      const box = h("div", { class: "card error", role: "alert" },
        h("p", { text: cancelled ? t.cancelled : err && err.status === 401 ? t.authError : t.error }),
        detail ? h("p", { class: "muted", text: detail }) : null, retry);
      this.log.append(box);
      this.scrollDown();
    }

    // ---- "Why these?" ----
    renderWhy() {
      if (!this.why) return;
      const t = this.t, lang = this.language;
      const goal = this.state.goal, c = this.state.constraints;
      if (!goal && !c) { this.why.hidden = true; return; }
      const lines = [];
      if (goal) {
        const pct = goal.confidence != null ? ` (${t.confidence} ${Math.round(goal.confidence * 100)}%)` : "";
        lines.push(h("p", { class: "goal-line" }, h("strong", { text: `${t.goal}: ` }), label(GOALS, goal.label, lang) + pct));
        const ev = (goal.evidence || []).slice(0, 6);
        if (ev.length) {
          lines.push(h("div", { text: t.evidence }), h("ul", {}, ev.map((e) =>
            h("li", { text: `${t.evidenceType[e.type] || e.type}: ${e.text || this.productTitle(e.sku) || ""}` }))));
        }
      }
      const cons = [];
      if (c && c.budget && c.budget.max != null) {
        cons.push(`${t.budget}: ${money(c.budget.max, lang, c.budget.currency)}${c.budget.scope === "per_item" ? ` ${t.perItem}` : ""}`);
      }
      if (c && c.sizes && Object.keys(c.sizes).length) cons.push(`${t.sizes}: ${Object.entries(c.sizes).map(([s, v]) => `${v} (${s})`).join(", ")}`);
      if (c && c.colours && c.colours.length) cons.push(`${t.colours}: ${c.colours.join(", ")}`);
      if (c && c.location && (c.location.city || c.location.store_code)) cons.push(`${t.place}: ${c.location.city || c.location.store_code}`);
      if (c && c.exclusions && c.exclusions.length) cons.push(`${t.exclusions}: ${c.exclusions.join(", ")}`);
      if (cons.length) lines.push(h("div", { text: t.constraints }), h("ul", {}, cons.map((x) => h("li", { text: x }))));
      const wasOpen = this.why.open;
      this.why.replaceChildren(h("summary", { text: t.why }), ...lines);
      this.why.open = wasOpen;
      this.why.hidden = false;
    }

    /** A browsed product's title for the evidence list; fetched once, the sku meanwhile. */
    productTitle(sku) {
      if (!sku) return "";
      this.titles = this.titles || new Map();
      for (const card of this.cards.values()) {
        const hit = (card.content.items || []).find((i) => i.sku === sku);
        if (hit) return hit.title || (this.language === "en" ? hit.title_en : hit.title_it) || sku;
      }
      const known = this.titles.get(sku);
      if (known && typeof known === "object") return (this.language === "en" ? known.en : known.it) || sku;
      if (!known) {
        this.titles.set(sku, "pending");
        fetch(this.api.url(`/v1/catalog/products/${encodeURIComponent(sku)}`))
          .then((r) => (r.ok ? r.json() : null))
          .then((p) => { if (p) { this.titles.set(sku, { it: p.title_it, en: p.title_en }); this.renderWhy(); } })
          .catch(() => {});
      }
      return sku;
    }

    // ---- cards ----
    upsertCard(id, type, content) {
      if (!content || typeof content !== "object") return;
      let card = this.cards.get(id);
      if (!card) {
        card = { id, type, content, el: h("div", { class: "card-slot" }) };
        this.cards.set(id, card);
        this.log.append(card.el);
      }
      card.type = type || content.type;
      card.content = content;
      this.renderCard(card);
      const code = findPickupCode(content);
      if (code) this.showPickup(code);
      this.scrollDown();
    }

    renderCard(card) {
      const render = { "sarto.outfit": this.outfitCard, "sarto.products": this.productsCard,
        "sarto.alternatives": this.alternativesCard, "sarto.availability": this.availabilityCard }[card.type];
      if (render) card.el.replaceChildren(render.call(this, card.content));
    }

    abs(url) { try { return url ? new URL(url, this.apiBase).toString() : null; } catch { return null; } }

    cartItem(item) {
      return { sku: item.sku, variant_id: item.variant_id ?? null, size: item.size ?? null,
        price: amountOf(item.price), currency: (item.price && item.price.currency) || "EUR", title: item.title || item.title_it || "" };
    }
    addToCart(items) {
      this.emit("sarto:add-to-cart", { items: items.map((i) => this.cartItem(i)) });
      for (const i of items) this.api.track({ type: "add_to_cart", sku: i.sku }).catch(() => {});
      this.setStatus(this.t.added);
    }

    availabilityText(item) {
      const t = this.t, lang = this.language;
      const av = (item.availability || []).filter((a) => a.quantity > 0);
      const parts = [];
      if (av.some((a) => a.location === "online")) parts.push(t.online);
      const stores = av.filter((a) => a.location !== "online")
        .sort((a, b) => (a.distance_km ?? 1e9) - (b.distance_km ?? 1e9));
      if (stores[0]) {
        const s = stores[0];
        parts.push(`${s.store_name || s.location}${s.distance_km != null ? ` (${km(s.distance_km, lang)})` : ""}`);
      }
      return parts.length ? parts.join(" · ") : t.noStock;
    }

    layoutToggle(current) {
      const t = this.t;
      const button = (layout, text) => h("button", { type: "button", "aria-pressed": String(current === layout), text,
        onclick: (e) => {
          if (current === layout) return;
          const slot = e.currentTarget.closest(".card-slot");
          this.setLayout(layout); // re-renders every card: keep keyboard focus on this card's toggle
          const pressed = slot && slot.querySelector('.toggle button[aria-pressed="true"]');
          if (pressed) pressed.focus();
        } });
      return h("div", { class: "toggle", role: "group", "aria-label": t.view },
        button("image-grid", t.grid), button("spec-table", t.table));
    }

    itemGrid(items, { withAdd = true } = {}) {
      const t = this.t, lang = this.language;
      return h("ul", { class: "grid" }, items.map((item) => {
        const title = item.title || (lang === "en" ? item.title_en : item.title_it) || item.sku;
        const url = this.abs(item.url);
        return h("li", { class: "item" },
          h("a", { href: url, tabindex: "-1", "aria-hidden": "true" },
            h("img", { src: this.abs(item.image), alt: "", loading: "lazy", width: "150", height: "200" })),
          h("a", { class: "title", href: url, text: title }),
          h("span", { class: "price", text: money(item.price, lang) }),
          item.size ? h("span", { class: "muted", text: `${t.size} ${item.size}` }) : null,
          item.availability ? h("span", { class: "avail", text: this.availabilityText(item) }) : null,
          item.why ? h("span", { class: "why-item", text: item.why }) : null,
          withAdd ? h("button", { type: "button", text: t.add, "aria-label": `${t.addLabel} ${title}`,
            onclick: () => this.addToCart([item]) }) : null);
      }));
    }

    itemTable(items, footer) {
      const t = this.t, lang = this.language;
      const rows = items.map((item) => {
        const title = item.title || (lang === "en" ? item.title_en : item.title_it) || item.sku;
        return h("tr", {},
          h("th", { scope: "row" }, h("a", { href: this.abs(item.url), text: title }),
            item.size ? h("div", { class: "muted", text: `${t.size} ${item.size}` }) : null),
          h("td", { class: "num", text: money(item.price, lang) }),
          h("td", { text: fabricText(item.fabric) || "—" }),
          h("td", { text: item.fit || "—" }),
          h("td", { text: (item.sizes_in_stock || []).join(", ") || "—" }),
          h("td", { text: item.availability ? this.availabilityText(item) : "—" }));
      });
      const head = [t.item, t.price, t.fabric, t.fit, t.sizesInStock, t.where].map((x) => h("th", { scope: "col", text: x }));
      return h("div", { class: "scroll", role: "region", "aria-label": t.tableRegion, tabindex: "0" },
        h("table", {}, h("thead", {}, h("tr", {}, head)), h("tbody", {}, rows), footer ? h("tfoot", {}, footer) : null));
    }

    outfitCard(c) {
      const t = this.t, lang = this.language;
      const layout = this.layout || (LAYOUTS.includes(c.layout) ? c.layout : "image-grid");
      const items = c.items || [];
      const budgetMax = c.budget && c.budget.max != null ? c.budget.max : null;
      const over = c.fits_budget === false;
      const totalText = `${t.total} ${money(c.total, lang)}` + (budgetMax != null ? ` · ${t.budget.toLowerCase()} ${money(budgetMax, lang, c.budget.currency)}` : "");
      const flag = budgetMax == null ? null : over
        ? h("span", { class: "flag over", text: `${t.overBy} ${money(c.over_budget_by ?? (amountOf(c.total) - amountOf(budgetMax)), lang)}` })
        : h("span", { class: "flag ok", text: t.fits });
      const total = h("p", { class: `total${over ? " over" : ""}` }, totalText, " ", flag);
      const body = layout === "spec-table"
        ? this.itemTable(items, h("tr", {}, h("th", { scope: "row", text: t.total }), h("td", { class: "num", text: money(c.total, lang) }),
          h("td", { colspan: "4" }, flag ? flag.cloneNode(true) : "")))
        : this.itemGrid(items);
      const fulfil = c.fulfilment ? h("p", { class: "muted", text: `${t.allAt} ${c.fulfilment === "online" ? t.online : c.fulfilment_name || c.fulfilment}` }) : null;
      const missing = (c.missing_slots || []).length ? h("p", { class: "muted", text: `${t.missing} ${c.missing_slots.map((s) => label(SLOTS, s, lang)).join(", ")}` }) : null;
      const altSlots = Object.entries(c.alternatives || {}).filter(([, list]) => list && list.length);
      const alts = altSlots.length ? h("details", { class: "alts" },
        h("summary", { text: `${t.alternatives} (${altSlots.reduce((n, [, l]) => n + l.length, 0)})` }),
        altSlots.map(([slot, list]) => h("div", {}, h("strong", { text: label(SLOTS, slot, lang) }), this.itemGrid(list)))) : null;
      const actions = h("div", { class: "actions" },
        h("button", { type: "button", class: "primary", text: t.addAll, onclick: () => this.addToCart(items) }),
        h("button", { type: "button", class: "reserve", text: t.reserve, onclick: () => this.reserve(c) }));
      return h("article", { class: "card outfit", "data-layout": layout, "aria-label": `${t.lookFor}: ${label(GOALS, c.goal, lang)}` },
        h("div", { class: "card-head" }, h("h3", { text: `${t.lookFor}: ${label(GOALS, c.goal, lang)}` }), this.layoutToggle(layout)),
        body, total, fulfil, missing, alts, actions);
    }

    productsCard(c) {
      const layout = this.layout || (LAYOUTS.includes(c.layout) ? c.layout : "image-grid");
      const items = c.items || [];
      return h("article", { class: "card products", "data-layout": layout },
        h("div", { class: "card-head" }, h("h3", { text: c.title || this.t.products }), this.layoutToggle(layout)),
        layout === "spec-table" ? this.itemTable(items) : this.itemGrid(items));
    }

    alternativesCard(c) {
      const t = this.t, lang = this.language;
      const heading = `${t.alternatives}${c.slot ? `: ${label(SLOTS, c.slot, lang)}` : ""}`;
      return h("article", { class: "card alternatives" }, h("h3", { text: heading }),
        c.saves != null ? h("p", { class: "muted", text: `${t.saves} ${money(c.saves, lang)}` }) : null,
        this.itemGrid(c.items || []));
    }

    availabilityCard(c) {
      const t = this.t, lang = this.language;
      const rows = (c.locations || []).map((l) => h("tr", {},
        h("th", { scope: "row", text: l.location === "online" ? t.online : l.store_name || l.location }),
        h("td", { text: l.city || "" }), h("td", { class: "num", text: String(l.quantity) }),
        h("td", { class: "num", text: l.distance_km != null ? km(l.distance_km, lang) : "" })));
      return h("article", { class: "card availability" },
        h("h3", { text: `${t.availability}: ${c.title || c.sku}${c.size ? ` · ${t.size} ${c.size}` : ""}` }),
        h("div", { class: "scroll" }, h("table", {}, h("thead", {}, h("tr", {},
          [t.store, t.city, t.qty, t.distance].map((x) => h("th", { scope: "col", text: x })))), h("tbody", {}, rows))));
    }

    // ---- reserve for pickup: a turn, then the explicit confirmation step ----
    reserve(outfit) {
      this.emit("sarto:reserve", { items: (outfit.items || []).map((i) => this.cartItem(i)), fulfilment: outfit.fulfilment });
      this.runTurn({ text: this.t.reserveMsg });
    }

    showConfirmation(interrupt) {
      const t = this.t, lang = this.language;
      const p = interrupt.payload || {};
      // The proposal may carry only skus and store codes: name them from the cards already shown.
      const known = new Map(), storeNames = new Map();
      for (const card of this.cards.values()) {
        for (const i of card.content.items || []) {
          known.set(i.sku, i.title || (lang === "en" ? i.title_en : i.title_it));
          for (const a of i.availability || []) if (a.store_name) storeNames.set(a.location, a.store_name);
        }
        if (card.content.fulfilment && card.content.fulfilment_name) storeNames.set(card.content.fulfilment, card.content.fulfilment_name);
      }
      const store = p.store && typeof p.store === "object" ? p.store : null;
      const code = (store && store.code) || p.store_code || (typeof p.store === "string" ? p.store : null);
      const storeName = (store && (store.name || store.store_name)) || p.store_name || storeNames.get(code) || code || "";
      const storeMore = store ? [store.address, store.city].filter(Boolean).join(", ") : p.address || p.city || "";
      const items = (p.items || p.lines || []).map((i) => ({ ...i, title: i.title || known.get(i.sku) }));
      const hold = p.hold_until || p.expires_at || p.hold_deadline || interrupt.expiresAt;
      let holdText = "";
      if (hold) {
        const d = new Date(hold);
        holdText = Number.isNaN(d.getTime()) ? String(hold)
          : new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "it-IT", { dateStyle: "full", timeStyle: "short" }).format(d);
      }
      const total = p.total ?? (items.length ? items.reduce((s, i) => s + (amountOf(i.price) || 0) * (i.quantity || 1), 0) : null);
      const confirmBtn = h("button", { type: "button", class: "primary", text: t.confirm });
      const cancelBtn = h("button", { type: "button", text: t.cancel });
      const box = h("section", { class: "card confirm", role: "group", "aria-labelledby": "sarto-confirm-title" },
        h("h3", { id: "sarto-confirm-title", text: t.confirmTitle }),
        interrupt.message ? h("p", { text: interrupt.message }) : null,
        storeName ? h("p", {}, h("strong", { text: `${t.store}: ` }), String(storeName), storeMore ? ` — ${storeMore}` : "") : null,
        h("ul", {}, items.map((i) => h("li", { text: [i.title || i.sku, i.size ? `${t.size} ${i.size}` : "",
          money(i.price, lang)].filter(Boolean).join(" · ") }))),
        total != null ? h("p", { class: "total", text: `${t.total} ${money(total, lang)}` }) : null,
        holdText ? h("p", { class: "muted", text: `${t.holdUntil}: ${holdText}` }) : null,
        h("div", { class: "actions" }, confirmBtn, cancelBtn));
      const answer = (resume) => {
        confirmBtn.disabled = true; cancelBtn.disabled = true;
        this.input.focus(); // the pressed button is now disabled: keep focus inside the dialog
        this.runTurn({ text: resume === "confirm" ? t.confirmMsg : t.declineMsg, resume, interrupt });
      };
      confirmBtn.addEventListener("click", () => answer("confirm"));
      cancelBtn.addEventListener("click", () => answer("decline"));
      this.log.append(box);
      this.scrollDown();
      confirmBtn.focus();
    }

    showPickup(code) {
      if (this.shownPickup === code) return;
      this.shownPickup = code;
      this.log.append(h("div", { class: "card pickup", role: "status" }, `${this.t.pickupCode}: `, h("code", { text: code })));
      this.scrollDown();
    }
  }
  SartoAssistant.SSEParser = SSEParser; // for tests and integrators who want our parser
  window.customElements.define("sarto-assistant", SartoAssistant);

  // ---- bootstrap: one tag on any page, and the command queue ---------------------------------
  function element() {
    let el = document.querySelector("sarto-assistant");
    if (!el && SCRIPT) {
      el = document.createElement("sarto-assistant");
      if (SCRIPT.dataset.lang) el.setAttribute("lang", SCRIPT.dataset.lang);
      if (SCRIPT.dataset.layout) el.setAttribute("layout", SCRIPT.dataset.layout);
      document.body.append(el);
    }
    return el;
  }
  function command(cmd) {
    if (!Array.isArray(cmd)) return undefined;
    const [name, ...args] = cmd;
    const el = element();
    if (!el) return undefined;
    switch (name) {
      case "open": return el.open();
      case "close": return el.close();
      case "toggle": return el.toggle();
      case "ask": return el.ask(args[0]);
      case "setShopperToken": return el.setShopperToken(args[0]);
      case "setLayout": return el.setLayout(args[0]);
      case "track": return el.track(args[0]).catch((e) => console.warn("sarto: track failed", e));
      default: console.warn("sarto: unknown command", name); return undefined;
    }
  }
  function start() {
    const queue = Array.isArray(window.Sarto) ? window.Sarto.splice(0) : [];
    if (!Array.isArray(window.Sarto)) window.Sarto = [];
    window.Sarto.push = (...cmds) => { cmds.forEach(command); return 0; };
    element();
    queue.forEach(command);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})();
