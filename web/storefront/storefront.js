/* Demo storefront for Sarto: a product listing and a product page that talk to the Sarto API and
 * report browsing (search, product_view, add_to_cart) through the widget's queue, so the page and
 * the chat share one guest token and the assistant sees what the shopper browsed. */
(() => {
  "use strict";
  const Sarto = (window.Sarto = window.Sarto || []);
  const LANG_KEY = "sarto.store.lang";
  const CART_KEY = "sarto.store.cart";

  const TEXT = {
    it: {
      skip: "Vai ai prodotti", skipProduct: "Vai al prodotto", searchLabel: "Cerca nel negozio",
      searchPlaceholder: "Cerca: giacca, camicia, abito…", search: "Cerca", filters: "Filtri",
      department: "Reparto", category: "Categoria", all: "Tutti", allCategories: "Tutte",
      back: "← Tutti i prodotti", found: (n) => `${n} prodotti`, none: "Nessun prodotto trovato.",
      loading: "Caricamento…", error: "Il catalogo non risponde. Riprova tra poco.",
      fabric: "Tessuto", fit: "Vestibilità", sizes: "Taglie", size: "Taglia", inStock: "disponibile",
      addToCart: "Aggiungi al carrello", added: "Aggiunto al carrello", cart: (n) => `Carrello: ${n}`,
      notFound: "Prodotto non trovato.", chooseSize: "Scegli la taglia", switchTo: "English",
      colour: "Colore", brand: "Marca",
    },
    en: {
      skip: "Skip to products", skipProduct: "Skip to product", searchLabel: "Search the shop",
      searchPlaceholder: "Search: jacket, shirt, suit…", search: "Search", filters: "Filters",
      department: "Department", category: "Category", all: "All", allCategories: "All",
      back: "← All products", found: (n) => `${n} products`, none: "No products found.",
      loading: "Loading…", error: "The catalogue is not answering. Please try again shortly.",
      fabric: "Fabric", fit: "Fit", sizes: "Sizes", size: "Size", inStock: "in stock",
      addToCart: "Add to cart", added: "Added to cart", cart: (n) => `Cart: ${n}`,
      notFound: "Product not found.", chooseSize: "Choose a size", switchTo: "Italiano",
      colour: "Colour", brand: "Brand",
    },
  };
  // Keys from tools/taxonomy.py (DEPARTMENTS, CATEGORIES) with their Italian and English labels.
  const DEPARTMENTS = [["menswear", "Uomo", "Men"], ["womenswear", "Donna", "Women"], ["kids", "Bambino", "Kids"]];
  const CATEGORIES = [
    ["suit", "Abiti", "Suits"], ["blazer", "Giacche", "Blazers"], ["trousers", "Pantaloni", "Trousers"],
    ["jeans", "Jeans", "Jeans"], ["shirt", "Camicie", "Shirts"], ["blouse", "Bluse", "Blouses"],
    ["knitwear", "Maglieria", "Knitwear"], ["dress", "Vestiti", "Dresses"], ["skirt", "Gonne", "Skirts"],
    ["coat", "Cappotti", "Coats"], ["raincoat", "Impermeabili", "Raincoats"], ["puffer", "Piumini", "Puffer jackets"],
    ["formal_shoes", "Scarpe eleganti", "Formal shoes"], ["casual_shoes", "Scarpe casual", "Casual shoes"],
    ["boots", "Stivali", "Boots"], ["tie", "Cravatte", "Ties"], ["belt", "Cinture", "Belts"], ["bag", "Borse", "Bags"],
    ["tshirt", "T-shirt", "T-shirts"], ["polo", "Polo", "Polo shirts"], ["shorts", "Bermuda", "Shorts"],
    ["swimwear", "Costumi", "Swimwear"], ["scarf", "Sciarpe", "Scarves"], ["hat", "Cappelli", "Hats"],
  ];

  let lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "it";
  const t = () => TEXT[lang];
  const $ = (sel) => document.querySelector(sel);

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) if (c != null && c !== false) el.append(c);
    return el;
  }
  function money(price) {
    const amount = price && typeof price === "object" ? price.amount : price;
    const currency = (price && price.currency) || "EUR";
    if (amount == null) return "";
    return new Intl.NumberFormat(lang === "en" ? "en-GB" : "it-IT", { style: "currency", currency }).format(Number(amount));
  }
  // Search hits carry fabric as text ("70% wool, 30% cashmere"); the product detail as [{fibre, pct}].
  const fabricText = (f) => (Array.isArray(f) ? f.map((x) => (x.pct != null ? `${x.pct}% ${x.fibre}` : x.fibre)).join(", ") : f || "");
  const titleOf = (p) => (lang === "en" ? p.title_en : p.title_it) || p.title || p.sku;
  const track = (event) => Sarto.push(["track", event]);

  async function getJSON(url) {
    const res = await fetch(url, { headers: { Accept: "application/json", "Accept-Language": lang } });
    if (!res.ok) {
      const err = new Error(`HTTP ${res.status}`);
      err.status = res.status;
      throw err;
    }
    return res.json();
  }

  // ---- language and cart (shared by both pages) ----
  function applyLanguage() {
    document.documentElement.lang = lang; // the widget follows <html lang>
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t()[el.dataset.i18n];
    for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t()[el.dataset.i18nPlaceholder];
    for (const el of document.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t()[el.dataset.i18nAria]);
    const toggle = $("#lang-toggle");
    toggle.textContent = t().switchTo;
    toggle.lang = lang === "en" ? "it" : "en";
    renderCart();
    renderGuides();
  }
  const cart = () => { try { return JSON.parse(localStorage.getItem(CART_KEY) || "[]"); } catch { return []; } };
  function addToCart(items) {
    localStorage.setItem(CART_KEY, JSON.stringify([...cart(), ...items]));
    renderCart();
  }
  function renderCart() { $("#cart").textContent = t().cart(cart().length); }

  // ---- listing ----
  function fillFilters() {
    const dep = $("#department"), cat = $("#category");
    const keepDep = dep.value, keepCat = cat.value;
    const col = lang === "en" ? 2 : 1;
    dep.replaceChildren(h("option", { value: "", text: t().all }), ...DEPARTMENTS.map((d) => h("option", { value: d[0], text: d[col] })));
    cat.replaceChildren(h("option", { value: "", text: t().allCategories }), ...CATEGORIES.map((c) => h("option", { value: c[0], text: c[col] })));
    dep.value = keepDep; cat.value = keepCat;
  }

  // ---- style guides: editorial content whose views tell the assistant the occasion ----
  const GUIDES = [
    ["Come vestirsi per un colloquio di lavoro", "How to dress for a job interview",
     "Giacca strutturata, pantaloni coordinati, camicia chiara e scarpe stringate.",
     "A structured jacket, matching trousers, a light shirt and lace-up shoes."],
    ["Cosa indossare a un matrimonio", "What to wear to a wedding",
     "Un abito elegante in tinta tenue e accessori curati.", "An elegant suit or dress in soft tones, polished accessories."],
    ["Lookbook weekend in città", "City weekend lookbook",
     "Denim, maglieria morbida e sneakers pulite.", "Denim, soft knitwear and clean sneakers."],
    ["Vestirsi per la pioggia", "Dressing for rainy days",
     "Un impermeabile leggero e stivaletti in pelle.", "A light raincoat and leather ankle boots."],
  ];
  function renderGuides() {
    const box = $("#guides");
    if (!box) return;
    const it = lang !== "en";
    box.replaceChildren(h("h2", { text: it ? "Guide di stile" : "Style guides" }), ...GUIDES.map((g) => {
      const body = h("p", { text: it ? g[2] : g[3] });
      body.hidden = true;
      const button = h("button", { type: "button", class: "guide", text: it ? g[0] : g[1] });
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", () => {
        body.hidden = !body.hidden;
        button.setAttribute("aria-expanded", String(!body.hidden));
        if (!body.hidden) track({ type: "content_view", text: it ? g[0] : g[1] });
      });
      return h("div", { class: "guide-item" }, button, body);
    }));
  }

  let lastResult = null;
  async function search({ report = false } = {}) {
    const q = $("#q").value.trim();
    const params = new URLSearchParams({ limit: "24", lang });
    if (q) params.set("q", q);
    if ($("#department").value) params.set("department", $("#department").value);
    if ($("#category").value) params.set("category", $("#category").value);
    const url = new URL(location.href);
    url.search = q ? `?q=${encodeURIComponent(q)}` : "";
    history.replaceState(null, "", url);
    if (report && q) track({ type: "search", text: q });
    $("#summary").textContent = t().loading;
    $("#products").setAttribute("aria-busy", "true");
    try {
      lastResult = await getJSON(`/v1/catalog/search?${params}`);
      renderListing();
    } catch {
      $("#summary").textContent = t().error;
      $("#products").replaceChildren();
    } finally {
      $("#products").removeAttribute("aria-busy");
    }
  }
  function renderListing() {
    const hits = (lastResult && lastResult.hits) || [];
    $("#summary").textContent = hits.length ? t().found(lastResult.total_candidates ?? hits.length) : t().none;
    $("#products").replaceChildren(...hits.map((p) => h("li", { class: "product-card", "data-sku": p.sku },
      h("a", { href: `/products/${encodeURIComponent(p.sku)}`, class: "product-link" },
        h("img", { src: `/images/${encodeURIComponent(p.sku)}.svg`, alt: "", width: "240", height: "320", loading: "lazy" }),
        h("span", { class: "title", text: titleOf(p) })),
      h("span", { class: "price", text: money(p.price) }),
      h("span", { class: "meta", text: [fabricText(p.fabric), p.fit].filter(Boolean).join(" · ") }))));
  }

  function initListing() {
    fillFilters();
    const params = new URLSearchParams(location.search);
    if (params.get("q")) $("#q").value = params.get("q");
    $("#search").addEventListener("submit", (e) => { e.preventDefault(); search({ report: true }); });
    $("#department").addEventListener("change", () => search());
    $("#category").addEventListener("change", () => search());
    search({ report: Boolean(params.get("q")) });
  }

  // ---- product page ----
  let product = null;
  function skuFromUrl() {
    const q = new URLSearchParams(location.search).get("sku");
    if (q) return q;
    const parts = location.pathname.split("/").filter(Boolean);
    return parts[0] === "products" && parts[1] ? decodeURIComponent(parts[1]) : null;
  }
  function sizesOf(p) {
    const run = (p.sizes || []).map((s) => (typeof s === "object" ? s.size || s.label : s));
    const inStock = new Set((p.sizes_in_stock || (p.sizes || []).filter((s) => typeof s === "object" && (s.in_stock || s.quantity > 0))
      .map((s) => s.size || s.label)));
    return run.map((s) => ({ size: s, inStock: inStock.size ? inStock.has(s) : true,
      variant: (p.variants || []).find((v) => v.size === s) || (p.sizes || []).find((x) => typeof x === "object" && (x.size || x.label) === s) }));
  }
  function renderProduct() {
    const box = $("#product");
    box.removeAttribute("aria-busy");
    if (!product) { box.replaceChildren(h("p", { text: t().notFound })); return; }
    const p = product;
    document.title = `${titleOf(p)} — Sarto Milano`;
    const sizes = sizesOf(p);
    const select = h("select", { id: "size", required: true },
      h("option", { value: "", text: t().chooseSize }),
      sizes.map((s) => h("option", { value: s.size, disabled: !s.inStock, text: s.inStock ? s.size : `${s.size} —` })));
    const note = h("p", { class: "note", role: "status" });
    const description = (lang === "en" ? p.description_en : p.description_it) || p.description || "";
    box.replaceChildren(
      h("img", { src: `/images/${encodeURIComponent(p.sku)}.svg`, alt: titleOf(p), width: "360", height: "480" }),
      h("div", { class: "details" },
        h("h1", { text: titleOf(p) }),
        h("p", { class: "price", text: money(p.price) }),
        h("dl", {},
          p.brand ? [h("dt", { text: t().brand }), h("dd", { text: p.brand })] : null,
          fabricText(p.fabric) ? [h("dt", { text: t().fabric }), h("dd", { text: fabricText(p.fabric) })] : null,
          p.fit ? [h("dt", { text: t().fit }), h("dd", { text: p.fit })] : null,
          (p.colours || []).length ? [h("dt", { text: t().colour }), h("dd", { text: p.colours.join(", ") })] : null),
        description ? h("p", { class: "description", text: description }) : null,
        h("label", { for: "size", text: t().size }), select,
        h("button", { type: "button", class: "buy", id: "add-to-cart", text: t().addToCart, onclick: () => {
          if (sizes.length && !select.value) { select.focus(); note.textContent = t().chooseSize; return; }
          const chosen = sizes.find((s) => s.size === select.value);
          addToCart([{ sku: p.sku, size: select.value || null, variant_id: chosen && chosen.variant ? chosen.variant.variant_id || chosen.variant.id : null,
            price: p.price && typeof p.price === "object" ? p.price.amount : p.price }]);
          track({ type: "add_to_cart", sku: p.sku });
          note.textContent = t().added;
        } }),
        note));
  }
  async function initProduct() {
    const sku = skuFromUrl();
    try {
      product = sku ? await getJSON(`/v1/catalog/products/${encodeURIComponent(sku)}`) : null;
    } catch (err) {
      product = null;
      if (err.status !== 404) { $("#product").replaceChildren(h("p", { text: t().error })); return; }
    }
    renderProduct();
    if (product) track({ type: "product_view", sku: product.sku });
  }

  // ---- boot ----
  function boot() {
    const page = document.body.dataset.page;
    applyLanguage();
    $("#lang-toggle").addEventListener("click", () => {
      lang = lang === "en" ? "it" : "en";
      localStorage.setItem(LANG_KEY, lang);
      applyLanguage();
      if (page === "listing") { fillFilters(); if (lastResult) renderListing(); } else renderProduct();
    });
    // The widget adds the look (or one piece) to the host cart through this event.
    document.addEventListener("sarto:add-to-cart", (e) => addToCart(e.detail.items || []));
    if (page === "listing") initListing(); else initProduct();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
  else boot();
})();
