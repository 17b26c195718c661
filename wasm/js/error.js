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

/** The API over the wasm-bindgen glue `raw` (looked up at each call, so a glue that is
 * initialized later works), each function throwing PfhirError instances. */
export function wrapApi(raw) {
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
      try { return raw.validate(json, options); } catch (e) { throw adopt(e); }
    },
    validateBytes: function validateBytes(bytes, options) {
      try { return raw.validateBytes(bytes, options); } catch (e) { throw adopt(e); }
    },
    validateBytesJson: function validateBytesJson(bytes, options) {
      try { return raw.validateBytesJson(bytes, options); } catch (e) { throw adopt(e); }
    },
    validateJson: function validateJson(json, options) {
      try { return raw.validateJson(json, options); } catch (e) { throw adopt(e); }
    },
    version: function version() {
      return raw.version();
    },
  };
}
