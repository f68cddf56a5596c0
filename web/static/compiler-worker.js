// Ferry's compile worker: runs compiler.wasm through its raw ABI (DESIGN §4), off the page's
// main thread. Nothing leaves the browser: the origin files go into the module's memory and the
// deployment stack comes back out.
//
// Messages in:  {type: "compile", id, request}            request: the request JSON (string)
// Messages out: {type: "ready", sha256, abi_version, bytes} once the module is compiled
//               {type: "result", id, response, ms}         response: the response JSON (string)
//               {type: "error", id, message}               the module trapped or failed to load
"use strict";

const MAX_RESPONSE = 256 * 1024 * 1024;

// The bytes are fetched once, hashed (the SHA-256 shown next to the server's) and compiled
// once; every request gets a fresh instance, as on the edge host, so a trap or a leak in one
// compile cannot affect the next.
// The module is compiled as it streams in (the edge host serves it as `application/wasm`);
// the hash is taken of the same response's bytes. Where streaming compilation is refused (a
// server without that content type), the bytes are compiled once they have all arrived.
async function compileStreaming(resp) {
  if (typeof WebAssembly.compileStreaming === "function") {
    try {
      return await WebAssembly.compileStreaming(resp);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
    }
  }
  return null;
}

const ready = (async () => {
  const resp = await fetch("compiler.wasm", { cache: "no-cache" });
  if (!resp.ok) throw new Error(`GET compiler.wasm: HTTP ${resp.status}`);
  const [bytes, streamed] = await Promise.all([resp.clone().arrayBuffer(), compileStreaming(resp)]);
  const [digest, module] = await Promise.all([
    crypto.subtle.digest("SHA-256", bytes),
    streamed || WebAssembly.compile(bytes),
  ]);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length !== 0) {
    throw new Error(`compiler.wasm must have no imports, it has ${imports.length}`);
  }
  const probe = await WebAssembly.instantiate(module, {});
  const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  const abi_version = probe.exports.ferry_abi_version();
  postMessage({ type: "ready", sha256, abi_version, bytes: bytes.byteLength });
  return module;
})();

ready.catch((e) => postMessage({ type: "error", id: null, message: `cannot load compiler.wasm: ${e.message || e}` }));

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

async function compile(request) {
  const module = await ready;
  const instance = await WebAssembly.instantiate(module, {});
  const { memory, ferry_alloc, ferry_free, ferry_compile } = instance.exports;
  const input = encoder.encode(request);
  const ptr = ferry_alloc(input.length);
  if (ptr === 0) throw new Error("ferry_alloc failed");
  new Uint8Array(memory.buffer, ptr, input.length).set(input);
  const packed = ferry_compile(ptr, input.length); // takes ownership of the request buffer
  const outPtr = Number((BigInt.asUintN(64, packed) >> 32n) & 0xffffffffn);
  const outLen = Number(BigInt.asUintN(64, packed) & 0xffffffffn);
  // The response is untrusted: bounds-checked and size-limited before it is read.
  if (outLen > MAX_RESPONSE || outPtr + outLen > memory.buffer.byteLength) {
    throw new Error(`compiler.wasm returned an out-of-bounds response (${outPtr}+${outLen})`);
  }
  const text = decoder.decode(new Uint8Array(memory.buffer, outPtr, outLen));
  ferry_free(outPtr, outLen);
  return text;
}

onmessage = async (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "compile") return;
  const t0 = performance.now();
  try {
    const response = await compile(msg.request);
    postMessage({ type: "result", id: msg.id, response, ms: performance.now() - t0 });
  } catch (e) {
    postMessage({ type: "error", id: msg.id, message: String(e && e.message ? e.message : e) });
  }
};
