// Reads files the user dropped or picked, folders included, as text. Used by the origin
// editor (web/src/io.rs); the Rust side decides which files to keep.
//
// Result: {folder: bool, files: [{path, text}]} where text is null for a file that is not
// UTF-8 text or is larger than 4 MiB.

const MAX_FILE = 4 * 1024 * 1024;

async function readText(file) {
  if (file.size > MAX_FILE) return null;
  const buf = await file.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch (_) {
    return null;
  }
}

function fileOf(entry) {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readBatch(reader) {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry, prefix, out) {
  if (entry.isFile) {
    out.push({ path: prefix + entry.name, file: await fileOf(entry) });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    // readEntries returns the folder in batches until an empty one.
    for (;;) {
      const batch = await readBatch(reader);
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, prefix + entry.name + "/", out);
    }
  }
}

async function toTexts(found, folder) {
  const files = [];
  for (const { path, file } of found) files.push({ path, text: await readText(file) });
  return { folder, files };
}

export async function readDropped(dataTransfer) {
  const items = Array.from(dataTransfer.items || []);
  const entries = items
    .filter((i) => i.kind === "file")
    .map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null))
    .filter(Boolean);
  const found = [];
  if (entries.length === 0) {
    for (const f of Array.from(dataTransfer.files || [])) found.push({ path: f.name, file: f });
    return toTexts(found, false);
  }
  for (const e of entries) await walk(e, "", found);
  return toTexts(found, entries.some((e) => e.isDirectory));
}

export async function readPicked(fileList) {
  const found = Array.from(fileList || []).map((f) => ({ path: f.webkitRelativePath || f.name, file: f }));
  return toTexts(found, found.some((f) => f.path.includes("/")));
}
