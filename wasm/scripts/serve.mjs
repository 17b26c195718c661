// A tiny static server for the demo: serves wasm/www/ at /www/ and wasm/pkg/ at /pkg/ on
// 127.0.0.1, with application/wasm for .wasm (streaming compilation needs it).
//   node wasm/scripts/serve.mjs [port]     then open http://127.0.0.1:8080/www/
// The browser test imports serve() and listens on a free port.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const WASM_DIR = fileURLToPath(new URL("..", import.meta.url));
const MOUNTS = { www: path.join(WASM_DIR, "www"), pkg: path.join(WASM_DIR, "pkg") };
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Starts the server; resolves to {server, url} once it listens. */
export function serve({ host = "127.0.0.1", port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === "/") {
      res.writeHead(302, { location: "/www/" });
      return res.end();
    }
    const [, mount, ...rest] = decodeURIComponent(pathname).split("/");
    const base = MOUNTS[mount];
    const file = base && path.join(base, ...rest, pathname.endsWith("/") ? "index.html" : "");
    if (!file || (file !== base && !file.startsWith(base + path.sep)) || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end("not found\n");
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "content-length": body.length,
        "cache-control": "no-store",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({ server, url: `http://${host}:${addr.port}` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await serve({ port: Number(process.argv[2] ?? 8080) });
  console.log(`pfhir-wasm demo: ${url}/www/  (Ctrl-C to stop)`);
}
