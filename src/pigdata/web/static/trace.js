// Verifies the proof bundle of a trace page in the browser, with Web Crypto alone:
// SHA-256 leaf hashes, RFC 9162 inclusion proofs, and Ed25519 signatures on the C2SP signed
// note (the checkpoint) and on premises-vouched records. Nothing is fetched but this node's
// own /api/v1/trace/{tag}. The steps are those of docs/trace.md, in the same order.
"use strict";

(() => {
  const encoder = new TextEncoder();
  const EM_DASH_SPACE = "\u2014 ";

  class ProofError extends Error {}

  // --- bytes -------------------------------------------------------------------------------

  function fromBase64(text) {
    if (typeof text !== "string") throw new ProofError("not base64");
    let binary;
    try {
      binary = atob(text);
    } catch {
      throw new ProofError("not base64");
    }
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    // Canonical only, as the Python verifier: one value, one spelling.
    if (toBase64(bytes) !== text) throw new ProofError("not canonical base64");
    return bytes;
  }

  function toBase64(bytes) {
    return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
  }

  function toHex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  function equal(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  // --- RFC 9162 Merkle tree ----------------------------------------------------------------

  const leafHash = (entry) => sha256(concat(Uint8Array.of(0), entry));
  const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

  // RFC 9162 section 2.1.3.2: the root an inclusion proof leads to, or null if malformed.
  async function rootFromInclusion(leaf, index, size, proof) {
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size)) return null;
    if (index < 0 || index >= size) return null;
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0 || p.length !== 32) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        // Skip the levels where the path runs up the right edge with no sibling.
        while (fn !== 0 && fn % 2 === 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // --- C2SP signed notes, keys and checkpoints ----------------------------------------------

  // A verifier key: name+<8 hex key ID>+base64(type byte || 32-byte Ed25519 public key).
  async function parseVerifierKey(text) {
    const first = text.indexOf("+");
    const second = text.indexOf("+", first + 1);
    if (first <= 0 || second < 0) throw new ProofError("bad verifier key");
    const name = text.slice(0, first);
    const id = text.slice(first + 1, second).toLowerCase();
    const data = fromBase64(text.slice(second + 1));
    if (data.length !== 33) throw new ProofError("bad verifier key length");
    const digest = await sha256(concat(encoder.encode(name), Uint8Array.of(0x0a), data));
    if (toHex(digest.slice(0, 4)) !== id) throw new ProofError("key ID does not match the key");
    return { name, id, type: data[0], publicKey: data.slice(1) };
  }

  // The note text runs to the last blank line; signature lines follow, one per signer.
  function splitNote(note) {
    const split = note.lastIndexOf("\n\n");
    if (split < 0) throw new ProofError("no blank line before the signatures");
    const text = note.slice(0, split + 1);
    const block = note.slice(split + 2);
    if (!block.endsWith("\n")) throw new ProofError("signatures not newline-ended");
    const lines = block.slice(0, -1).split("\n").map((line) => {
      if (!line.startsWith(EM_DASH_SPACE)) throw new ProofError("bad signature line");
      const rest = line.slice(EM_DASH_SPACE.length);
      const space = rest.indexOf(" ");
      if (space <= 0) throw new ProofError("bad signature line");
      const raw = fromBase64(rest.slice(space + 1));
      if (raw.length < 5) throw new ProofError("signature too short");
      return { name: rest.slice(0, space), id: toHex(raw.slice(0, 4)), signature: raw.slice(4) };
    });
    return { text, lines };
  }

  function parseCheckpoint(text) {
    const lines = text.slice(0, -1).split("\n");
    if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) {
      throw new ProofError("bad checkpoint");
    }
    const root = fromBase64(lines[2]);
    if (root.length !== 32) throw new ProofError("bad root hash");
    return { origin: lines[0], size: Number(lines[1]), root };
  }

  async function ed25519Verify(publicKey, signature, message) {
    let key;
    try {
      key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, [
        "verify",
      ]);
    } catch {
      throw new ProofError("this browser cannot check Ed25519 signatures (Web Crypto)");
    }
    return signature.length === 64 && crypto.subtle.verify("Ed25519", key, signature, message);
  }

  async function openCheckpoint(note, logKey) {
    const { text, lines } = splitNote(note);
    const mine = lines.filter((l) => l.name === logKey.name && l.id === logKey.id);
    if (mine.length === 0) throw new ProofError("the checkpoint has no signature by the log key");
    const message = encoder.encode(text);
    for (const line of mine) {
      if (!(await ed25519Verify(logKey.publicKey, line.signature, message))) {
        throw new ProofError("the log's signature on the checkpoint is not valid");
      }
    }
    const others = lines.filter((l) => !(l.name === logKey.name && l.id === logKey.id));
    return { checkpoint: parseCheckpoint(text), witnesses: others };
  }

  // RFC 8785 for the JSON the ledger holds (strings, integers, booleans, lists, objects):
  // JSON.stringify is what JCS builds on; only the key order needs doing.
  function canonicalJson(value) {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
      const keys = Object.keys(value).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value);
  }

  // A personal value in a version 2 entry is a salted commitment (docs/ledger.md); so is a
  // premises' signature over a record that carries one, which the public cannot check.
  const COMMITMENT = /^sha256:[0-9a-f]{64}$/;

  async function checkVouched(vouched, record) {
    if (vouched && COMMITMENT.test(String(vouched.signature))) {
      return { premises: vouched.premises, key: null, ok: true, withheld: true };
    }
    try {
      const key = await parseVerifierKey(String(vouched.key));
      const signature = fromBase64(vouched.signature);
      const ok =
        key.type === 0x01 &&
        (await ed25519Verify(key.publicKey, signature, encoder.encode(canonicalJson(record))));
      return { premises: vouched.premises, key: `${key.name}+${key.id}`, ok };
    } catch {
      return { premises: vouched && vouched.premises, key: null, ok: false };
    }
  }

  async function checkEntry(item, checkpoint) {
    const result = { index: item.index, ok: false, kind: "?", submitter: "?", vouched: null };
    const bytes = fromBase64(item.entry);
    const leaf = await leafHash(bytes);
    result.leaf = toHex(leaf);
    const proof = item.proof.map(fromBase64);
    const root = await rootFromInclusion(leaf, item.index, checkpoint.size, proof);
    const entry = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    const record = entry.record || {};
    result.kind = record.kind === "correction" && record.replacement
      ? `correction→${record.replacement.kind}`
      : String(record.kind);
    result.submitter = String(entry.submitter);
    result.ok = root !== null && equal(root, checkpoint.root);
    if (entry.vouched) {
      result.vouched = await checkVouched(entry.vouched, record);
      result.ok = result.ok && result.vouched.ok;
    }
    return result;
  }

  // --- the page ------------------------------------------------------------------------------

  const byId = (id) => document.getElementById(id);

  function bilingual(parent, zh, en) {
    parent.replaceChildren(document.createTextNode(`${zh} `));
    const span = document.createElement("span");
    span.lang = "en";
    span.textContent = en;
    parent.append(span);
  }

  function vouchMark(vouched) {
    if (vouched.withheld) return "签名随个人信息不公开 signature withheld with personal data";
    return vouched.ok ? "✓" : "✗";
  }

  function markEntries(results) {
    for (const r of results) {
      for (const el of document.querySelectorAll(`.proof[data-seq="${r.index}"]`)) {
        el.classList.add(r.ok ? "ok" : "bad");
        if (r.ok) bilingual(el, "已验证 ✓", "verified ✓");
        else bilingual(el, "验证失败 ✗", "failed ✗");
      }
    }
    const body = byId("entries").tBodies[0];
    body.replaceChildren(
      ...results.map((r) => {
        const row = document.createElement("tr");
        const cells = [
          `#${r.index}`,
          r.kind,
          r.submitter,
          r.vouched ? `${r.vouched.premises} (${vouchMark(r.vouched)})` : "—",
          r.leaf ? `${r.leaf.slice(0, 16)}…` : "—",
        ];
        for (const text of cells) {
          const cell = document.createElement("td");
          cell.textContent = text;
          row.append(cell);
        }
        const last = row.cells[4];
        if (r.leaf) last.title = r.leaf;
        const result = document.createElement("td");
        result.className = r.ok ? "ok" : "bad";
        if (r.ok) bilingual(result, "已验证 ✓", "verified ✓");
        else bilingual(result, "失败 ✗", "failed ✗");
        row.append(result);
        return row;
      }),
    );
  }

  function showWitnesses(lines) {
    const list = byId("witnesses");
    if (lines.length === 0) {
      const item = document.createElement("li");
      bilingual(item, "无见证者联署", "no witness cosignatures");
      list.replaceChildren(item);
      return;
    }
    list.replaceChildren(
      ...lines.map((line) => {
        const item = document.createElement("li");
        // A cosignature/v1 line carries an 8-byte timestamp before the Ed25519 signature.
        let when = "";
        if (line.signature.length === 72) {
          const seconds = new DataView(line.signature.buffer, line.signature.byteOffset)
            .getBigUint64(0);
          when = ` @ ${new Date(Number(seconds) * 1000).toISOString()}`;
        }
        bilingual(
          item,
          `${line.name}+${line.id}${when}：已联署，本页未核验（无见证者公钥）`,
          "cosigned; not checked here (no witness key): use pigdata verify-proof --witness-key",
        );
        return item;
      }),
    );
  }

  function finish(ok, zh, en) {
    const summary = byId("summary");
    summary.className = ok ? "ok" : "bad";
    bilingual(summary, zh, en);
    document.body.dataset.verification = ok ? "verified" : "failed";
  }

  async function verifyPage() {
    // Browsers give Web Crypto to secure contexts only: HTTPS, or a page on this machine.
    if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
      throw new ProofError("verifying in the browser needs HTTPS (a secure context)");
    }
    const response = await fetch(document.body.dataset.api, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new ProofError(`the trace could not be loaded (${response.status})`);
    const data = await response.json();
    const bundle = data.bundle;
    if (!bundle) {
      finish(false, "无法验证：节点未提供证明包", `cannot verify: ${data.bundle_error || "no bundle"}`);
      return;
    }
    const logKey = await parseVerifierKey(bundle.log_key);
    if (logKey.type !== 0x01) throw new ProofError("the log key is not an Ed25519 note key");
    const { checkpoint, witnesses } = await openCheckpoint(bundle.checkpoint, logKey);
    if (checkpoint.size !== bundle.size || checkpoint.origin !== bundle.origin) {
      throw new ProofError("the bundle's size or origin is not the checkpoint's");
    }
    byId("signer").textContent = `${logKey.name}+${logKey.id} ✓`;
    byId("size").textContent = String(checkpoint.size);
    byId("root").textContent = toBase64(checkpoint.root);
    byId("log-key").textContent = bundle.log_key;
    showWitnesses(witnesses);
    const results = [];
    for (const item of bundle.entries) {
      try {
        results.push(await checkEntry(item, checkpoint));
      } catch {
        results.push({ index: item.index, ok: false, kind: "?", submitter: "?", vouched: null });
      }
    }
    markEntries(results);
    const failed = results.filter((r) => !r.ok).length;
    const wanted = new Set(data.seqs);
    const missing = [...wanted].filter((seq) => !results.some((r) => r.index === seq));
    if (failed === 0 && missing.length === 0 && results.length > 0) {
      finish(
        true,
        `全部 ${results.length} 个账本条目已验证 ✓，检查点由 ${logKey.name} 签名`,
        `all ${results.length} ledger entries verified ✓; checkpoint signed by ${logKey.name}`,
      );
    } else {
      finish(
        false,
        `${failed + missing.length} 个账本条目验证失败 ✗`,
        `${failed + missing.length} ledger entries failed ✗`,
      );
    }
  }

  function run() {
    verifyPage().catch((error) => {
      const reason = error instanceof ProofError ? error.message : String(error);
      for (const el of document.querySelectorAll(".proof")) {
        el.classList.add("bad");
        bilingual(el, "验证失败 ✗", "failed ✗");
      }
      finish(false, "验证失败 ✗", `verification failed ✗: ${reason}`);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
