// PfhirError, the class of everything pfhir-wasm throws, and the wrappers that give the
// errors thrown by the WebAssembly module this class. The source of both error.js (ESM, for
// browsers) and error.cjs (CommonJS, for Node; scripts/build-wasm writes it from this file).

/** What pfhir-wasm throws on API misuse: a real `Error` with a `code` (and, for `input`
 * errors, `fields`). Content problems are never thrown: they are OperationOutcome issues. */
export class PfhirError extends Error {
  /**
   * @param {string} message
   * @param {{ code: string, fields?: { field: string, message: string }[] }} options
   */
  constructor(message, options) {
    super(message);
    this.name = "PfhirError";
    this.code = options?.code ?? "internal";
    if (options?.fields !== undefined) this.fields = options.fields;
  }
}

// The module throws plain Errors named PfhirError (with code and fields): make them instances.
function adopt(e) {
  if (e instanceof Error && e.name === "PfhirError" && !(e instanceof PfhirError)) {
    Object.setPrototypeOf(e, PfhirError.prototype);
  }
  return e;
}

// The fast path of the validate* functions (wasm/src/input.rs): the document is written
// straight into an input buffer in the module's memory that lives from call to call, and a
// document without findings comes back as the status 0, for which the one "no issue was found"
// OperationOutcome JSON, read once, is the answer (validate and validateBytes: a copy of it
// parsed once). Documents longer than FAST_MAX (UTF-16 units or bytes) take the module's
// plain functions, which never copy more than the size limit (and the buffer never grows past
// 3 * FAST_MAX bytes).
const FAST_MAX = 1 << 20;
// The input buffer's least size, in bytes.
const MIN_ROOM = 1 << 16;

function fastPath(raw) {
  const encoder = new TextEncoder();
  let memory; // the module's WebAssembly.Memory
  let allOkJson; // the OperationOutcome JSON of a document without findings
  let allOkObject; // and that JSON parsed, which each answer gets a copy of
  let view = null; // a view of the input buffer; a new one when it moves or the memory grows
  function room(n) {
    // Asked at every call: the module owns the buffer, which another wrapper of the same
    // instance (a second copy of web.js) may have moved; a call before the module is
    // initialized throws here. When the memory grows, its old ArrayBuffer is detached and a
    // view of it has length 0 (and offset 0), so the test below makes a new view without
    // reading memory.buffer (a getter) on every call: 1.5% of validateBytesJson's time.
    const size = n > MIN_ROOM ? n : MIN_ROOM;
    const ptr = raw.__fastBuffer(size);
    if (view === null || view.byteOffset !== ptr || view.length < n) {
      memory ??= raw.__fastMemory();
      view = new Uint8Array(memory.buffer, ptr, size);
    }
    return view;
  }
  // The OperationOutcome JSON of the document (a string or a Uint8Array), true for a
  // document without findings, or undefined when the fast path does not take it (not a string
  // or Uint8Array, or too long).
  function run(doc, options, isString) {
    if (isString ? typeof doc !== "string" : !(doc instanceof Uint8Array)) return undefined;
    if (doc.length > FAST_MAX) return undefined;
    // Options first: reading them may run any JS (a getter), even another validation.
    const prepared = options !== undefined && options !== null;
    if (prepared) raw.__fastPrepare(options);
    let len;
    if (isString) {
      len = encoder.encodeInto(doc, room(doc.length * 3)).written;
    } else {
      room(doc.length).set(doc);
      len = doc.length;
    }
    // 0: no finding; else the OperationOutcome JSON (or the error to throw) waits in the module.
    return raw.__fastValidate(len, prepared) === 0 ? true : raw.__fastOutcome();
  }
  return {
    /** The OperationOutcome JSON, or undefined when the fast path does not take `doc`. */
    json(doc, options, isString) {
      const out = run(doc, options, isString);
      return out === true ? (allOkJson ??= raw.__fastAllOk()) : out;
    },
    /** The OperationOutcome object, or undefined when the fast path does not take `doc`. A
     * document without findings gets a copy of the parsed JSON (5 times faster than parsing). */
    object(doc, options, isString) {
      const out = run(doc, options, isString);
      if (out === undefined) return undefined;
      if (out !== true) return JSON.parse(out);
      allOkObject ??= JSON.parse((allOkJson ??= raw.__fastAllOk()));
      return copyJson(allOkObject);
    },
  };
}

// A deep copy of a value of JSON.parse, the same as parsing its JSON again (own keys, in
// order; none is "__proto__" in an OperationOutcome).
function copyJson(v) {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(copyJson);
  const o = {};
  for (const k of Object.keys(v)) o[k] = copyJson(v[k]);
  return o;
}

/** The API over the wasm-bindgen glue `raw` (looked up at each call, so a glue that is
 * initialized later works), each function throwing PfhirError instances. */
export function wrapApi(raw) {
  const fast = fastPath(raw);
  return {
    buildBundle: function buildBundle(input, options) {
      try { return raw.buildBundle(input, options); } catch (e) { throw adopt(e); }
    },
    findings: function findings(outcome) {
      try { return raw.findings(outcome); } catch (e) { throw adopt(e); }
    },
    hl7Ack: function hl7Ack(message, options) {
      try { return raw.hl7Ack(message, options); } catch (e) { throw adopt(e); }
    },
    hl7ToBundle: function hl7ToBundle(message, options) {
      try { return raw.hl7ToBundle(message, options); } catch (e) { throw adopt(e); }
    },
    rules: function rules() {
      try { return raw.rules(); } catch (e) { throw adopt(e); }
    },
    validate: function validate(json, options) {
      try { return fast.object(json, options, true) ?? raw.validate(json, options); } catch (e) { throw adopt(e); }
    },
    validateBytes: function validateBytes(bytes, options) {
      try { return fast.object(bytes, options, false) ?? raw.validateBytes(bytes, options); } catch (e) { throw adopt(e); }
    },
    validateBytesJson: function validateBytesJson(bytes, options) {
      try { return fast.json(bytes, options, false) ?? raw.validateBytesJson(bytes, options); } catch (e) { throw adopt(e); }
    },
    validateJson: function validateJson(json, options) {
      try { return fast.json(json, options, true) ?? raw.validateJson(json, options); } catch (e) { throw adopt(e); }
    },
    version: function version() {
      return raw.version();
    },
  };
}
