// Huitou service worker: keeps the app shell so the app opens with no network.
// What to cache is read from index.html (and the manager bundle's manage/index.html) at install
// (Trunk hashes file names), so no list is kept by hand.
// API calls always go to the network: data lives in IndexedDB, never in this cache.
const CACHE = "huitou-shell-v1";
const SHELL = ["/index.html", "/manifest.webmanifest", "/icon.svg", "/icon-192.png", "/icon-512.png"];
const MANAGER_PAGE = "/manage/index.html";

// The files one page needs: itself, its links, and what Trunk's inline loader imports.
async function pageAssets(page) {
  const response = await fetch(page, { cache: "no-store" });
  if (!response.ok) return [];
  const html = await response.text();
  const assets = new Set([page]);
  for (const match of html.matchAll(/(?:href|src)="(\/[^"#?]+)"/g)) assets.add(match[1]);
  // Trunk's loader imports the JS glue and the wasm by name from an inline module.
  for (const match of html.matchAll(/['"](\/[^'"]+\.(?:js|wasm))['"]/g)) assets.add(match[1]);
  return [...assets];
}

async function shellAssets() {
  const assets = new Set([...SHELL, ...(await pageAssets("/index.html"))]);
  // The manager bundle (app/manage.html) too, when this server has it: a manager opens the
  // app offline as they last had it.
  for (const asset of await pageAssets(MANAGER_PAGE).catch(() => [])) assets.add(asset);
  return [...assets];
}

// Which page a navigation gets offline: the manager bundle's when the browser still carries
// its cookie (bundle.rs), else the main one.
async function wantsManager() {
  try {
    if (self.cookieStore) return (await self.cookieStore.get("huitou_bundle"))?.value === "manager";
  } catch (_) { /* no cookie store: the main page */ }
  return false;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(await shellAssets());
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/healthz") return;
  if (event.request.mode === "navigate") {
    // Network first so a new version shows up at once; the cached shell when offline.
    event.respondWith((async () => {
      try {
        const fresh = await fetch(event.request);
        if (fresh.ok) {
          // Each bundle's page under its own name: the server chose by the cookie.
          const html = await fresh.clone().text();
          const key = html.includes('"/manage/') || html.includes("'/manage/") ? MANAGER_PAGE : "/index.html";
          await (await caches.open(CACHE)).put(key, new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
        }
        return fresh;
      } catch (_) {
        const manager = (await wantsManager()) && (await caches.match(MANAGER_PAGE));
        return manager || (await caches.match("/index.html")) || Response.error();
      }
    })());
    return;
  }
  // Hashed assets never change under one name: cache first, then fill the cache.
  event.respondWith((async () => {
    const cached = await caches.match(event.request);
    if (cached) return cached;
    const fresh = await fetch(event.request);
    if (fresh.ok) (await caches.open(CACHE)).put(event.request, fresh.clone());
    return fresh;
  })());
});
