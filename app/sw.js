// Huitou service worker: keeps the app shell so the app opens with no network.
// What to cache is read from index.html at install (Trunk hashes file names), so no list is kept by hand.
// API calls always go to the network: data lives in IndexedDB, never in this cache.
const CACHE = "huitou-shell-v1";
const SHELL = ["/", "/index.html", "/manifest.webmanifest", "/icon.svg", "/icon-192.png", "/icon-512.png"];

async function shellAssets() {
  const response = await fetch("/index.html", { cache: "no-store" });
  const html = await response.text();
  const assets = new Set(SHELL);
  for (const match of html.matchAll(/(?:href|src)="(\/[^"#?]+)"/g)) assets.add(match[1]);
  // Trunk's loader imports the JS glue and the wasm by name from an inline module.
  for (const match of html.matchAll(/['"](\/[^'"]+\.(?:js|wasm))['"]/g)) assets.add(match[1]);
  return [...assets];
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
        const cache = await caches.open(CACHE);
        if (fresh.ok) cache.put("/index.html", fresh.clone());
        return fresh;
      } catch (_) {
        return (await caches.match("/index.html")) || Response.error();
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
