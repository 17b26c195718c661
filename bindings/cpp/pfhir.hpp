// pfhir.hpp: the C++17 binding of libpfhir, header-only, over the C ABI of pfhir.h.
//
// Build, validate and submit FHIR STU3 patient messages to the Partners FHIR API.
//
//   pfhir::Validator validator;                          // partner profile, defaults
//   pfhir::Outcome outcome = validator.validate(json);   // findings are data, not errors
//   for (const pfhir::Issue& issue : outcome.issues()) { ... }
//
//   pfhir::Client client(pfhir::ClientConfig()
//                            .base_url(url).cert_pem(cert).key_pem(key).ca_pem(ca)
//                            .org_id("2.16.724.4.2").client_id(id).client_secret(secret));
//   pfhir::CreateResult created = client.create(bundle_json);   // throws pfhir::Error
//
// Conventions:
// - Every failure of a C call is thrown as pfhir::Error, carrying the code (pfhir::Code, the
//   numbers of pfhir_code), the message, the HTTP status, the OperationOutcome JSON, the
//   request id, the raw body, whether a retry is safe, whether the platform may have
//   processed the request, the Retry-After delay, the TLS cause, the PatientInput field
//   errors, and the local validation's Outcome.
//   A validation finding is not an error: Validator::validate returns it in an Outcome.
// - Handles (ValidatorOptions, Validator, Outcome, Builder, ClientConfig, Client) are RAII
//   owners of the C handles: move-only, freed by their destructor. A moved-from object
//   holds nothing: calls that can fail throw pfhir::Error with Code::NullArgument, and
//   accessors that cannot (Outcome::size, Client::connection_count...) read it as empty.
// - Texts go in as std::string_view (UTF-8, any bytes for documents; not NUL-terminated)
//   and come out as std::string. Results (CreateResult, UpdateResult, ReadResult, Issue)
//   are plain values copied out of the C objects, which are freed at once.
// - Threads: Validator, Client and Outcome may be shared across threads (const use);
//   ValidatorOptions, ClientConfig and Builder are configured from one thread.
//
// Link with libpfhir (pkg-config `pfhir`, or CMake `find_package(pfhir)` and `pfhir::pfhir`).
#ifndef PFHIR_HPP
#define PFHIR_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pfhir.h"
#include "pfhir_abi.hpp"  // generated: Code, Severity, Profile, TlsCause, TrustStore, ...

namespace pfhir {

/// The severity a partner rule is set to.
enum class RuleSeverity { Error, Warning, Off };

/// The library's version (compare with header_version to detect a mismatch).
inline std::string_view version() noexcept { return pfhir_version(); }
/// The version of the pfhir.h this program was compiled with.
inline constexpr std::string_view header_version = PFHIR_VERSION_STRING;

/// The snake-case name of a code (`not_found`); empty for an unknown number.
inline std::string_view code_name(Code code) noexcept {
  pfhir_str s = pfhir_code_name(static_cast<std::uint32_t>(code));
  return s.data != nullptr ? std::string_view(s.data, s.len) : std::string_view();
}

/// `fatal`, `error`, `warning` or `information`.
inline std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::Fatal: return "fatal";
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Information: return "information";
  }
  return "unknown";
}

namespace detail {

inline const std::uint8_t* bytes(std::string_view s) noexcept {
  return reinterpret_cast<const std::uint8_t*>(s.data());
}

inline std::string str(pfhir_str s) {
  return s.data != nullptr ? std::string(s.data, s.len) : std::string();
}

inline std::optional<std::string> opt_str(pfhir_str s) {
  if (s.data == nullptr) return std::nullopt;
  return std::string(s.data, s.len);
}

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};

/// A C handle owned by C++: freed with its `_free` function.
template <class T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

/// Copies an owned C buffer into a std::string and frees it (even if the copy throws).
inline std::string take(pfhir_bytes b) {
  struct Guard {
    pfhir_bytes b;
    ~Guard() { pfhir_bytes_free(b); }
  } guard{b};
  return b.data != nullptr ? std::string(reinterpret_cast<const char*>(b.data), b.len)
                           : std::string();
}

inline std::uint32_t millis(std::chrono::milliseconds ms) noexcept {
  if (ms.count() <= 0) return 0;
  if (ms.count() > static_cast<std::chrono::milliseconds::rep>(
                       std::numeric_limits<std::uint32_t>::max())) {
    return std::numeric_limits<std::uint32_t>::max();
  }
  return static_cast<std::uint32_t>(ms.count());
}

}  // namespace detail

class Outcome;

/// A PatientInput field in error (pfhir_error_field_name / _message).
struct FieldError {
  std::string field;    ///< `birthDate`, `phones[1].use`...
  std::string message;  ///< what is wrong (never the value)
};

/// The exception every failed call throws. Cheap to copy (its data is shared).
class Error : public std::runtime_error {
 public:
  /// Takes ownership of `err` (non-NULL): copies everything, then frees it.
  explicit Error(pfhir_error* err) : Error(read(err)) {}
  /// An error raised by the binding itself (a moved-from handle...).
  Error(Code code, std::string message) : Error(make(code, std::move(message))) {}

  /// The code (pfhir_error_code).
  Code code() const noexcept { return d_->code; }
  /// Its snake-case name (`server_invalid`).
  std::string_view code_name() const noexcept { return pfhir::code_name(d_->code); }
  /// The message (never a secret or a patient value); also what().
  const std::string& message() const noexcept { return d_->message; }
  /// The HTTP status the platform answered with, or 0 when no answer was received.
  std::uint16_t http_status() const noexcept { return d_->http_status; }
  /// The platform's OperationOutcome (or the local validation's) as JSON, if any.
  const std::optional<std::string>& outcome_json() const noexcept { return d_->outcome_json; }
  /// The x-origin-request-id of the failed request, if a request was made.
  const std::optional<std::string>& request_id() const noexcept { return d_->request_id; }
  /// The raw body of an HTTP error without an OperationOutcome (a gateway's HTML...).
  const std::optional<std::string>& body() const noexcept { return d_->body; }
  /// True when sending the same request again cannot do harm and may succeed.
  bool retry_safe() const noexcept { return d_->retry_safe; }
  /// True when the platform may have processed the failed request: the connection broke or
  /// timed out after it was sent (Code::OutcomeUnknown, a Code::Timeout after sending), or the
  /// platform answered an internal `timeout` or `exception`. For a create the patient may
  /// exist: do not simply create it again (v1: read `Patient/{business id}`; v2: a re-send
  /// with the same request_id() is safe only against a server that de-duplicates by
  /// x-origin-request-id, which the partner guide does not promise). False when nothing was
  /// sent or the platform refused the request (a 409, a 400).
  bool may_have_been_processed() const noexcept { return d_->may_have_been_processed; }
  /// The PatientInput fields in error (Code::Input), empty otherwise.
  const std::vector<FieldError>& fields() const noexcept { return d_->fields; }
  /// Why the TLS handshake failed (Code::Tls), TlsCause::None otherwise.
  TlsCause tls_cause() const noexcept { return d_->tls_cause; }
  /// The platform's Retry-After (429, 503), zero when it sent none.
  std::chrono::milliseconds retry_after() const noexcept { return d_->retry_after; }
  /// The local validation's findings (Code::Validation), or nullptr.
  const Outcome* validation_outcome() const noexcept { return d_->validation.get(); }

 private:
  struct Data {
    Code code = Code::Ok;
    std::string message;
    std::uint16_t http_status = 0;
    std::optional<std::string> outcome_json;
    std::optional<std::string> request_id;
    std::optional<std::string> body;
    bool retry_safe = false;
    bool may_have_been_processed = false;
    std::vector<FieldError> fields;
    TlsCause tls_cause = TlsCause::None;
    std::chrono::milliseconds retry_after{0};
    std::shared_ptr<const Outcome> validation;
  };

  explicit Error(std::shared_ptr<const Data> d) : std::runtime_error(d->message), d_(std::move(d)) {}

  static std::shared_ptr<const Data> make(Code code, std::string message) {
    auto d = std::make_shared<Data>();
    d->code = code;
    d->message = std::move(message);
    return d;
  }

  static std::shared_ptr<const Outcome> validation_of(const pfhir_error* err);

  static std::shared_ptr<const Data> read(pfhir_error* err) {
    detail::Owned<pfhir_error, pfhir_error_free> owned(err);
    auto d = std::make_shared<Data>();
    d->code = static_cast<Code>(pfhir_error_code(err));
    d->message = detail::str(pfhir_error_message(err));
    d->http_status = pfhir_error_http_status(err);
    d->outcome_json = detail::opt_str(pfhir_error_outcome_json(err));
    d->request_id = detail::opt_str(pfhir_error_request_id(err));
    d->body = detail::opt_str(pfhir_error_body(err));
    d->retry_safe = pfhir_error_retry_safe(err);
    d->may_have_been_processed = pfhir_error_may_have_been_processed(err);
    const std::size_t n = pfhir_error_field_count(err);
    d->fields.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      d->fields.push_back(FieldError{detail::str(pfhir_error_field_name(err, i)),
                                     detail::str(pfhir_error_field_message(err, i))});
    }
    d->tls_cause = static_cast<TlsCause>(pfhir_error_tls_cause(err));
    d->retry_after = std::chrono::milliseconds(pfhir_error_retry_after_ms(err));
    if (d->code == Code::Validation) d->validation = validation_of(err);
    return d;
  }

  std::shared_ptr<const Data> d_;
};

namespace detail {
/// Throws the error of a failed call; nothing for NULL (success).
inline void check(pfhir_error* err) {
  if (err != nullptr) throw Error(err);
}
}  // namespace detail

/// One finding of a validation.
struct Issue {
  Severity severity = Severity::Error;
  std::string code;                ///< required, structure, invalid, too-long, too-costly, informational
  std::string message_id;          ///< PFHIR-V0301 (docs/messages.md)
  std::optional<std::string> key;  ///< invariant key (cpt-2) or partner rule id, if any
  std::string expression;          ///< FHIRPath (Bundle.entry[1].resource.birthDate)
  std::uint32_t line = 0;          ///< 1-based
  std::uint32_t column = 0;        ///< 1-based, in characters
  std::string message;             ///< what is wrong, without patient values by default
};

/// The result of a validation: every issue, in document order. Immutable, shareable.
class Outcome {
 public:
  Outcome(Outcome&&) noexcept = default;
  Outcome& operator=(Outcome&&) noexcept = default;
  Outcome(const Outcome&) = delete;
  Outcome& operator=(const Outcome&) = delete;

  /// True when some issue is an error or fatal.
  bool has_errors() const noexcept { return pfhir_outcome_has_errors(h_.get()); }
  /// Number of issues.
  std::size_t size() const noexcept { return pfhir_outcome_issue_count(h_.get()); }
  bool empty() const noexcept { return size() == 0; }

  /// Issue `i`; throws std::out_of_range past the end.
  Issue issue(std::size_t i) const {
    if (i >= size()) throw std::out_of_range("pfhir::Outcome::issue: index out of range");
    const pfhir_outcome* o = h_.get();
    Issue x;
    x.severity = static_cast<Severity>(pfhir_outcome_issue_severity(o, i));
    x.code = detail::str(pfhir_outcome_issue_code(o, i));
    x.message_id = detail::str(pfhir_outcome_issue_message_id(o, i));
    x.key = detail::opt_str(pfhir_outcome_issue_key(o, i));
    x.expression = detail::str(pfhir_outcome_issue_expression(o, i));
    x.line = pfhir_outcome_issue_line(o, i);
    x.column = pfhir_outcome_issue_column(o, i);
    x.message = detail::str(pfhir_outcome_issue_message(o, i));
    return x;
  }
  Issue operator[](std::size_t i) const { return issue(i); }

  /// Every issue.
  std::vector<Issue> issues() const {
    std::vector<Issue> v;
    const std::size_t n = size();
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) v.push_back(issue(i));
    return v;
  }

  /// The STU3 OperationOutcome JSON (byte-identical on every platform).
  std::string to_json() const {
    pfhir_bytes b{nullptr, 0};
    detail::check(pfhir_outcome_to_json(h_.get(), &b));
    return detail::take(b);
  }

  /// The C handle (still owned by this object).
  const pfhir_outcome* get() const noexcept { return h_.get(); }

 private:
  friend class Validator;
  friend class Error;
  explicit Outcome(pfhir_outcome* o) noexcept : h_(o) {}
  detail::Owned<pfhir_outcome, pfhir_outcome_free> h_;
};

inline std::shared_ptr<const Outcome> Error::validation_of(const pfhir_error* err) {
  pfhir_outcome* o = nullptr;
  pfhir_error* failed = pfhir_error_outcome(err, &o);
  if (failed != nullptr) {
    pfhir_error_free(failed);
    return nullptr;
  }
  return std::shared_ptr<const Outcome>(new Outcome(o));
}

/// Validator options: partner profile, default rule severities, the Meteda and CIP
/// authorities, a 1 MiB size limit, a depth limit of 64 and at most 1000 issues listed per
/// document until changed.
class ValidatorOptions {
 public:
  /// Options with the defaults.
  ValidatorOptions() {
    pfhir_validator_options* o = nullptr;
    detail::check(pfhir_validator_options_new(&o));
    h_.reset(o);
  }
  ValidatorOptions(ValidatorOptions&&) noexcept = default;
  ValidatorOptions& operator=(ValidatorOptions&&) noexcept = default;
  ValidatorOptions(const ValidatorOptions&) = delete;
  ValidatorOptions& operator=(const ValidatorOptions&) = delete;

  /// Base (STU3 only) or partner validation (the default).
  ValidatorOptions& profile(Profile p) {
    detail::check(pfhir_validator_options_set_profile(h_.get(), static_cast<pfhir_profile>(p)));
    return *this;
  }
  /// Sets a partner rule's severity: `error`, `warning` or `off`.
  ValidatorOptions& rule(std::string_view rule, std::string_view severity) {
    detail::check(pfhir_validator_options_set_rule(h_.get(), detail::bytes(rule), rule.size(),
                                                   detail::bytes(severity), severity.size()));
    return *this;
  }
  /// Sets a partner rule's severity.
  ValidatorOptions& rule(std::string_view rule_id, RuleSeverity severity) {
    return rule(rule_id, severity == RuleSeverity::Error     ? std::string_view("error")
                         : severity == RuleSeverity::Warning ? std::string_view("warning")
                                                             : std::string_view("off"));
  }
  /// Accepts one more identifier system as the Patient's assigning authority.
  ValidatorOptions& authority(std::string_view system) {
    detail::check(
        pfhir_validator_options_add_authority(h_.get(), detail::bytes(system), system.size()));
    return *this;
  }
  /// Size limit in bytes (1 to 4 GiB - 1) and nesting limit (1 to 128); 0 keeps the current
  /// value.
  ValidatorOptions& limits(std::size_t max_bytes, std::size_t max_depth) {
    detail::check(pfhir_validator_options_set_limits(h_.get(), max_bytes, max_depth));
    return *this;
  }
  /// The most issues listed per document (default 1000; 0: no limit; above 4294967295 throws
  /// `Code::InvalidArgument`). Past it, the outcome lists the first ones in document order and
  /// ends with one `too-costly` issue (`PFHIR-V0108`) that counts the rest, with the severity
  /// of the most serious one left out.
  ValidatorOptions& max_issues(std::size_t max_issues) {
    detail::check(pfhir_validator_options_set_max_issues(h_.get(), max_issues));
    return *this;
  }
  /// Puts the offending values in messages (they are patient data: off by default).
  ValidatorOptions& include_values(bool include) {
    detail::check(pfhir_validator_options_set_include_values(h_.get(), include));
    return *this;
  }

  /// The C handle (still owned by this object).
  const pfhir_validator_options* get() const noexcept { return h_.get(); }

 private:
  detail::Owned<pfhir_validator_options, pfhir_validator_options_free> h_;
};

/// A validator: immutable and thread-safe; build one and share it.
class Validator {
 public:
  /// Partner validation with the defaults.
  Validator() : Validator(nullptr) {}
  /// Validation with `options` (copied: they may be changed or destroyed afterwards).
  explicit Validator(const ValidatorOptions& options) : Validator(live(options)) {}
  Validator(Validator&&) noexcept = default;
  Validator& operator=(Validator&&) noexcept = default;
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  /// Validates a JSON document (bytes: invalid UTF-8 is a finding, not an error).
  Outcome validate(std::string_view json) const { return validate(json.data(), json.size()); }
  /// Validates `len` bytes at `data`; a `len` above the size limit is not read.
  Outcome validate(const void* data, std::size_t len) const {
    pfhir_outcome* o = nullptr;
    detail::check(pfhir_validate(h_.get(), static_cast<const std::uint8_t*>(data), len, &o));
    return Outcome(o);
  }

  /// The size limit in bytes (larger input is answered `too-long` without being read).
  std::size_t max_bytes() const noexcept { return pfhir_validator_max_bytes(h_.get()); }

  const pfhir_validator* get() const noexcept { return h_.get(); }

 private:
  static const pfhir_validator_options* live(const ValidatorOptions& options) {
    if (options.get() == nullptr) {
      throw Error(Code::NullArgument, "pfhir::Validator: the ValidatorOptions were moved from");
    }
    return options.get();
  }
  explicit Validator(const pfhir_validator_options* opts) {
    pfhir_validator* v = nullptr;
    detail::check(pfhir_validator_new(opts, &v));
    h_.reset(v);
  }
  detail::Owned<pfhir_validator, pfhir_validator_free> h_;
};

/// Builds the partner message Bundle from PatientInput JSON; throws Error with
/// Code::Input (and fields()) for wrong fields, Code::Json for text that is not an object.
inline std::string build_bundle(std::string_view patient_input_json) {
  pfhir_bytes b{nullptr, 0};
  detail::check(pfhir_build_bundle(detail::bytes(patient_input_json), patient_input_json.size(), &b));
  return detail::take(b);
}

/// A PatientInput (docs/patient-input.md) filled field by field, then built into a Bundle:
/// one setter per single-valued member, `add_*` (and given_name(), phone()) per list item.
/// Values are checked when the Bundle is built: build() throws Error with Code::Input naming
/// each wrong field. Empty optional texts are left out.
class Builder {
 public:
  Builder() {
    pfhir_builder* b = nullptr;
    detail::check(pfhir_builder_new(&b));
    h_.reset(b);
  }
  Builder(Builder&&) noexcept = default;
  Builder& operator=(Builder&&) noexcept = default;
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  /// `cip`, `meteda`, or an identifier system URI.
  Builder& authority(std::string_view v) { return set(pfhir_builder_set_authority, v); }
  /// The patient's id at the authority (Patient.identifier.value).
  Builder& patient_id(std::string_view v) { return set(pfhir_builder_set_patient_id, v); }
  /// The family name as one text (Patient.name.family); default: the father's and the
  /// mother's family names joined by a space.
  Builder& family_name(std::string_view v) { return set(pfhir_builder_set_family_name, v); }
  /// The father's family name (the first Spanish surname): the humanname-fathers-family
  /// extension of Patient.name.family.
  Builder& fathers_family(std::string_view v) { return set(pfhir_builder_set_fathers_family, v); }
  /// The mother's family name (the second Spanish surname): the humanname-mothers-family
  /// extension of Patient.name.family.
  Builder& mothers_family(std::string_view v) { return set(pfhir_builder_set_mothers_family, v); }
  /// Appends a given name.
  Builder& given_name(std::string_view v) { return set(pfhir_builder_add_given_name, v); }
  /// `male`, `female`, `other`, `unknown` (or M, F, O, U).
  Builder& gender(std::string_view v) { return set(pfhir_builder_set_gender, v); }
  /// `YYYY-MM-DD`, `YYYY`, `YYYY-MM` or `YYYYMMDD`.
  Builder& birth_date(std::string_view v) { return set(pfhir_builder_set_birth_date, v); }
  /// Appends a phone number; `use` (home, work, mobile, temp, old) may be empty.
  Builder& phone(std::string_view value, std::string_view use = {}) {
    detail::check(pfhir_builder_add_phone(h_.get(), detail::bytes(value), value.size(),
                                          detail::bytes(use), use.size()));
    return *this;
  }
  /// Appends a patient identifier (HL7 v2 PID-3): `system` (`cip`, `meteda` or an absolute
  /// URI) and `value`; `use` (usual, official, temp, secondary), `type` (an HL7 v2 table 0203
  /// code: MR, JHN, NI, PPN...) and `assigner` (the issuing organization's name) may be
  /// empty. One identifier must have an accepted authority (this one, another, or
  /// authority() + patient_id()).
  Builder& add_identifier(std::string_view system, std::string_view value,
                          std::string_view use = {}, std::string_view type = {},
                          std::string_view assigner = {}) {
    detail::check(pfhir_builder_add_identifier(h_.get(), detail::bytes(system), system.size(),
                                               detail::bytes(value), value.size(),
                                               detail::bytes(use), use.size(),
                                               detail::bytes(type), type.size(),
                                               detail::bytes(assigner), assigner.size()));
    return *this;
  }
  /// Whether the patient has died (Patient.deceasedBoolean); replaces a date-time set before.
  Builder& deceased(bool deceased) {
    detail::check(pfhir_builder_set_deceased(h_.get(), deceased));
    return *this;
  }
  /// When the patient died (Patient.deceasedDateTime): a date, a dateTime with time zone, or
  /// `YYYYMMDD[HHMM[SS]]+ZZZZ`; replaces a flag set before.
  Builder& deceased_date_time(std::string_view v) {
    return set(pfhir_builder_set_deceased_date_time, v);
  }
  /// An HL7 v3 MaritalStatus code (A, D, I, L, M, P, S, T, U, W) or UNK.
  Builder& marital_status(std::string_view v) { return set(pfhir_builder_set_marital_status, v); }
  /// The preferred language, a BCP 47 tag (`es`, `ca`, `en-GB`): the first
  /// Patient.communication, preferred.
  Builder& language(std::string_view v) { return set(pfhir_builder_set_language, v); }
  /// Appends a language the patient communicates in (a BCP 47 tag), after language(), and
  /// whether it is a preferred one.
  Builder& add_communication(std::string_view language, bool preferred = false) {
    detail::check(pfhir_builder_add_communication(h_.get(), detail::bytes(language),
                                                  language.size(), preferred));
    return *this;
  }
  /// The first e-mail address (add_email() appends more).
  Builder& email(std::string_view v) { return set(pfhir_builder_set_email, v); }
  /// Appends an e-mail address after email(); `use` (home, work, temp, old) may be empty.
  Builder& add_email(std::string_view value, std::string_view use = {}) {
    detail::check(pfhir_builder_add_email(h_.get(), detail::bytes(value), value.size(),
                                          detail::bytes(use), use.size()));
    return *this;
  }
  /// Appends a postal address (HL7 v2 PID-11); every text may be empty: `use` (home, work,
  /// temp, old), `type` (postal, physical, both), city, district, state, postal code,
  /// country. Add its street lines with add_address_line(). An address needs a line or one
  /// of the place texts.
  Builder& add_address(std::string_view use = {}, std::string_view type = {},
                       std::string_view city = {}, std::string_view district = {},
                       std::string_view state = {}, std::string_view postal_code = {},
                       std::string_view country = {}) {
    detail::check(pfhir_builder_add_address(
        h_.get(), detail::bytes(use), use.size(), detail::bytes(type), type.size(),
        detail::bytes(city), city.size(), detail::bytes(district), district.size(),
        detail::bytes(state), state.size(), detail::bytes(postal_code), postal_code.size(),
        detail::bytes(country), country.size()));
    return *this;
  }
  /// Appends a street line to the address added last; throws Error with
  /// Code::InvalidArgument (and changes nothing) before any add_address().
  Builder& add_address_line(std::string_view v) { return set(pfhir_builder_add_address_line, v); }
  /// The organization that keeps the patient record (Patient.managingOrganization); every
  /// text may be empty, but not all of them: `reference` (`Organization/<id>`), `system` and
  /// `value` (its identifier, given together; `urn:ietf:rfc:3986` + `urn:oid:...` for an
  /// OID), `display` (its name).
  Builder& managing_organization(std::string_view reference, std::string_view system = {},
                                 std::string_view value = {}, std::string_view display = {}) {
    detail::check(pfhir_builder_set_managing_organization(
        h_.get(), detail::bytes(reference), reference.size(), detail::bytes(system),
        system.size(), detail::bytes(value), value.size(), detail::bytes(display),
        display.size()));
    return *this;
  }
  /// `type1`, `type2`, `gestational` or `unspecified`.
  Builder& diabetes(std::string_view v) { return set(pfhir_builder_set_diabetes, v); }
  /// A date, or a dateTime with time zone.
  Builder& onset(std::string_view v) { return set(pfhir_builder_set_onset, v); }
  /// Whether the patient record is active (default true).
  Builder& active(bool active) {
    detail::check(pfhir_builder_set_active(h_.get(), active));
    return *this;
  }
  /// A coded condition instead of the diabetes shorthand (display may be empty).
  Builder& condition(std::string_view system, std::string_view code,
                     std::string_view display = {}) {
    detail::check(pfhir_builder_set_condition(h_.get(), detail::bytes(system), system.size(),
                                              detail::bytes(code), code.size(),
                                              detail::bytes(display), display.size()));
    return *this;
  }
  /// Condition.clinicalStatus: active (default), recurrence, inactive, remission, resolved.
  Builder& clinical_status(std::string_view v) {
    return set(pfhir_builder_set_clinical_status, v);
  }
  /// Condition.verificationStatus of the diabetes() / condition() Condition: provisional,
  /// differential, confirmed, refuted, entered-in-error, unknown.
  Builder& verification_status(std::string_view v) {
    return set(pfhir_builder_set_verification_status, v);
  }
  /// Appends a Condition (one diagnosis, HL7 v2 DG1) after the diabetes() / condition() one;
  /// every text may be empty: `diabetes` (type1, type2, gestational, unspecified), `onset`
  /// (a date, or a dateTime with time zone), `clinical_status` (default active),
  /// `verification_status`. Add codings with add_condition_coding(); a Condition needs
  /// `diabetes` or a coding.
  Builder& add_condition(std::string_view diabetes = {}, std::string_view onset = {},
                         std::string_view clinical_status = {},
                         std::string_view verification_status = {}) {
    detail::check(pfhir_builder_add_condition(
        h_.get(), detail::bytes(diabetes), diabetes.size(), detail::bytes(onset), onset.size(),
        detail::bytes(clinical_status), clinical_status.size(),
        detail::bytes(verification_status), verification_status.size()));
    return *this;
  }
  /// Appends a coding (code system URI, code, display may be empty) to the Condition added
  /// last; throws Error with Code::InvalidArgument (and changes nothing) before any
  /// add_condition().
  Builder& add_condition_coding(std::string_view system, std::string_view code,
                                std::string_view display = {}) {
    detail::check(pfhir_builder_add_condition_coding(h_.get(), detail::bytes(system),
                                                     system.size(), detail::bytes(code),
                                                     code.size(), detail::bytes(display),
                                                     display.size()));
    return *this;
  }
  /// The sending organization's OID (2.16.724.4.2).
  Builder& organization_oid(std::string_view v) {
    return set(pfhir_builder_set_organization_oid, v);
  }
  /// MessageHeader.source.software and .version.
  Builder& software(std::string_view name, std::string_view version) {
    detail::check(pfhir_builder_set_software(h_.get(), detail::bytes(name), name.size(),
                                             detail::bytes(version), version.size()));
    return *this;
  }
  /// Patient.id in the Bundle (for an update: the platform's logical id).
  Builder& patient_logical_id(std::string_view v) {
    return set(pfhir_builder_set_patient_logical_id, v);
  }
  /// The ids of the Bundle, the MessageHeader and the Patient; an empty one gets a fresh
  /// UUID (an empty `patient` also undoes patient_logical_id()).
  Builder& ids(std::string_view bundle, std::string_view message_header,
               std::string_view patient) {
    detail::check(pfhir_builder_set_ids(h_.get(), detail::bytes(bundle), bundle.size(),
                                        detail::bytes(message_header), message_header.size(),
                                        detail::bytes(patient), patient.size()));
    return *this;
  }
  /// Appends the id of the next Condition, in Bundle order (the diabetes() / condition()
  /// one first); the Conditions past the last id get `<first id>-<position>`.
  Builder& add_condition_id(std::string_view v) { return set(pfhir_builder_add_condition_id, v); }
  /// MessageHeader.timestamp (an instant; default: now).
  Builder& timestamp(std::string_view v) { return set(pfhir_builder_set_timestamp, v); }
  /// Replaces every field with a whole PatientInput in its JSON form (docs/patient-input.md),
  /// to use the builder's options with JSON input. Throws Code::Input naming the unreadable
  /// members, Code::Json for a text that is not a JSON object; the builder is unchanged then.
  /// Values are checked by build().
  Builder& input_json(std::string_view json) { return set(pfhir_builder_set_input_json, json); }
  /// Accepts one more identifier system (a URI) as the Patient's assigning authority, besides
  /// Meteda and CIP; throws Code::InvalidArgument for a system that is not a URI.
  Builder& add_accepted_authority(std::string_view system) {
    return set(pfhir_builder_add_accepted_authority, system);
  }
  /// The exact MessageHeader.source.endpoint (a URI, checked by build() as field
  /// `sourceEndpoint`); by default `urn:oid:` and the organization OID.
  Builder& source_endpoint(std::string_view v) {
    return set(pfhir_builder_set_source_endpoint, v);
  }
  /// Leaves Bundle.id out (true; the guide's request example has none) or gives it the
  /// bundle id of ids() or a fresh UUID (false, the default).
  Builder& omit_bundle_id(bool omit = true) {
    detail::check(pfhir_builder_set_omit_bundle_id(h_.get(), omit));
    return *this;
  }

  /// The Bundle JSON; throws Error (Code::Input, fields()) for wrong or missing fields.
  std::string build() const {
    pfhir_bytes b{nullptr, 0};
    detail::check(pfhir_builder_build(h_.get(), &b));
    return detail::take(b);
  }
  /// The fields as PatientInput JSON.
  std::string to_json() const {
    pfhir_bytes b{nullptr, 0};
    detail::check(pfhir_builder_to_json(h_.get(), &b));
    return detail::take(b);
  }

 private:
  using Setter = pfhir_error* (*)(pfhir_builder*, const std::uint8_t*, std::size_t);
  Builder& set(Setter f, std::string_view v) {
    detail::check(f(h_.get(), detail::bytes(v), v.size()));
    return *this;
  }
  detail::Owned<pfhir_builder, pfhir_builder_free> h_;
};

/// Client configuration (API v2, connect timeout 10 s, request timeout 30 s, 3 attempts
/// until changed). Secrets in it are never printed.
class ClientConfig {
 public:
  ClientConfig() {
    pfhir_client_config* c = nullptr;
    detail::check(pfhir_client_config_new(&c));
    h_.reset(c);
  }
  ClientConfig(ClientConfig&&) noexcept = default;
  ClientConfig& operator=(ClientConfig&&) noexcept = default;
  ClientConfig(const ClientConfig&) = delete;
  ClientConfig& operator=(const ClientConfig&) = delete;

  /// Up to `/partners/fhir/stu3/api/` (https only).
  ClientConfig& base_url(std::string_view v) { return set(pfhir_client_config_set_base_url, v); }
  /// `v1` or `v2`.
  ClientConfig& api_version(std::string_view v) {
    return set(pfhir_client_config_set_api_version, v);
  }
  /// The Content-Type of the Bundles sent: `application/json` (the default, the guide's) or
  /// `application/fhir+json`; anything else throws Code::InvalidArgument.
  ClientConfig& content_type(std::string_view v) {
    return set(pfhir_client_config_set_content_type, v);
  }
  ClientConfig& org_id(std::string_view v) { return set(pfhir_client_config_set_org_id, v); }
  ClientConfig& client_id(std::string_view v) { return set(pfhir_client_config_set_client_id, v); }
  ClientConfig& client_secret(std::string_view v) {
    return set(pfhir_client_config_set_client_secret, v);
  }
  /// The client certificate chain (PEM, leaf first). Replaces an identity set with pkcs12().
  ClientConfig& cert_pem(std::string_view v) { return set(pfhir_client_config_set_cert_pem, v); }
  /// The client private key (PEM: PKCS#8, PKCS#1, SEC1, or encrypted PKCS#8 with
  /// key_password()). Replaces an identity set with pkcs12().
  ClientConfig& key_pem(std::string_view v) { return set(pfhir_client_config_set_key_pem, v); }
  /// The password of an encrypted key_pem (`BEGIN ENCRYPTED PRIVATE KEY`); a wrong one makes
  /// Client's constructor throw Code::WrongPassword. Never printed.
  ClientConfig& key_password(std::string_view v) {
    return set(pfhir_client_config_set_key_password, v);
  }
  /// The client identity as a PKCS#12 file (.pfx/.p12 bytes) and its password (empty for a
  /// file without one), instead of cert_pem() + key_pem(), which it replaces. AES (OpenSSL 3,
  /// current Windows) and legacy 3DES/RC2 files are read; a wrong password makes Client's
  /// constructor throw Code::WrongPassword. The bytes are copied.
  ClientConfig& pkcs12(std::string_view der, std::string_view password) {
    detail::check(pfhir_client_config_set_pkcs12(h_.get(), detail::bytes(der), der.size(),
                                                 detail::bytes(password), password.size()));
    return *this;
  }
  /// CA certificates to trust for the server (PEM): exactly these; the trust store is then
  /// not used.
  ClientConfig& ca_pem(std::string_view v) { return set(pfhir_client_config_set_ca_pem, v); }
  /// Where the server's certificate is checked when no ca_pem() is given (default
  /// TrustStore::System, the operating system's store).
  ClientConfig& trust_store(TrustStore store) {
    detail::check(
        pfhir_client_config_set_trust_store(h_.get(), static_cast<pfhir_trust_store>(store)));
    return *this;
  }
  /// Connect (TCP + TLS) and per-attempt timeouts; 0 keeps the current value.
  ClientConfig& timeouts(std::chrono::milliseconds connect, std::chrono::milliseconds request) {
    detail::check(pfhir_client_config_set_timeouts(h_.get(), detail::millis(connect),
                                                   detail::millis(request)));
    return *this;
  }
  /// Attempts in all (1 = no retry), first and longest backoff, total time budget.
  ClientConfig& retry(std::uint32_t max_attempts, std::chrono::milliseconds initial_backoff,
                      std::chrono::milliseconds max_backoff,
                      std::chrono::milliseconds total_timeout) {
    detail::check(pfhir_client_config_set_retry(h_.get(), max_attempts,
                                                detail::millis(initial_backoff),
                                                detail::millis(max_backoff),
                                                detail::millis(total_timeout)));
    return *this;
  }
  /// How Client::resolve_uncertain_create settles a v2 create (default
  /// UncertainPolicy::AskAPerson). `duplicate_status` is the HTTP status of a duplicate
  /// identifier, for UncertainPolicy::ResendDuplicateStatus (400 to 499; otherwise
  /// Code::InvalidArgument), ignored for the others.
  ClientConfig& uncertain_create(UncertainPolicy policy, std::uint16_t duplicate_status = 0) {
    detail::check(pfhir_client_config_set_uncertain_create(
        h_.get(), static_cast<pfhir_uncertain_policy>(policy), duplicate_status));
    return *this;
  }
  /// Options of the local validation before each create and update (copied).
  ClientConfig& validator_options(const ValidatorOptions& options) {
    detail::check(pfhir_client_config_set_validator_options(h_.get(), options.get()));
    return *this;
  }

  const pfhir_client_config* get() const noexcept { return h_.get(); }

 private:
  using Setter = pfhir_error* (*)(pfhir_client_config*, const std::uint8_t*, std::size_t);
  ClientConfig& set(Setter f, std::string_view v) {
    detail::check(f(h_.get(), detail::bytes(v), v.size()));
    return *this;
  }
  detail::Owned<pfhir_client_config, pfhir_client_config_free> h_;
};

/// What a create returned.
struct CreateResult {
  std::string patient_id;   ///< v2: the logical id; v1: the business id
  std::string bundle_id;    ///< the platform's Bundle id
  std::string request_id;   ///< the x-origin-request-id sent
  std::string bundle_json;  ///< the Bundle the platform answered with
  std::uint16_t status = 0;
  std::uint32_t attempts = 0;  ///< 1 = no retry
};

/// What an update returned.
struct UpdateResult {
  std::string request_id;
  std::uint16_t status = 0;
  std::uint32_t attempts = 0;
};

/// What a read returned.
struct ReadResult {
  std::string patient_json;  ///< the Patient as the platform sent it
  std::string request_id;
  std::uint16_t status = 0;
  std::uint32_t attempts = 0;
};

/// What Client::resolve_uncertain_create found.
struct UncertainCreate {
  CreateState state = CreateState::CreatedIdUnknown;
  std::string patient_id;  ///< when Created (v2: the logical id; v1: the business id); else empty
};

/// A client of the Partners API over mutual TLS: thread-safe, keeps connections alive.
class Client {
 public:
  /// Checks the configuration (copied) and parses the certificate and key; throws Error.
  explicit Client(const ClientConfig& config) {
    pfhir_client* c = nullptr;
    detail::check(pfhir_client_new(config.get(), &c));
    h_.reset(c);
  }
  Client(Client&&) noexcept = default;
  Client& operator=(Client&&) noexcept = default;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Validates the Bundle locally and creates the patient (a fresh request id).
  CreateResult create(std::string_view bundle_json) const {
    pfhir_create_result* r = nullptr;
    detail::check(pfhir_client_create(h_.get(), detail::bytes(bundle_json), bundle_json.size(), &r));
    return created(r);
  }
  /// The same with a given request id. After a create that failed with
  /// Error::may_have_been_processed() the patient may exist: settle it with
  /// resolve_uncertain_create(). Re-sending with the error's request id is safe only against
  /// a server that de-duplicates by x-origin-request-id (the partner guide does not promise it).
  CreateResult create(std::string_view bundle_json, std::string_view request_id) const {
    pfhir_create_result* r = nullptr;
    detail::check(pfhir_client_create_with_request_id(h_.get(), detail::bytes(bundle_json),
                                                      bundle_json.size(), detail::bytes(request_id),
                                                      request_id.size(), &r));
    return created(r);
  }

  /// Settles a create that failed with Error::may_have_been_processed(): give the same Bundle
  /// and the error's request_id(). v1 reads `Patient/{business id}` (Created with it, or
  /// NotCreated on 404); v2 follows ClientConfig::uncertain_create(): by default nothing is
  /// sent and the answer is CreatedIdUnknown (a person must find the patient; never create it
  /// again). Only NotCreated allows a new create. Throws Error when it is still unknown.
  UncertainCreate resolve_uncertain_create(std::string_view bundle_json,
                                           std::string_view request_id) const {
    pfhir_create_state state = 0;
    pfhir_bytes id{nullptr, 0};
    detail::check(pfhir_client_resolve_uncertain_create(
        h_.get(), detail::bytes(bundle_json), bundle_json.size(), detail::bytes(request_id),
        request_id.size(), &state, &id));
    UncertainCreate x;
    x.patient_id = detail::take(id);
    x.state = static_cast<CreateState>(state);
    return x;
  }

  /// Validates the Bundle locally and updates patient `id` (retried when transient). A Bundle
  /// that is not for that patient throws Code::UpdateTargetMismatch before anything is sent
  /// (v2: its Patient.id differs from `id`; v1: no identifier of an accepted authority has
  /// the value `id`).
  UpdateResult update(std::string_view id, std::string_view bundle_json) const {
    pfhir_update_result* r = nullptr;
    detail::check(pfhir_client_update(h_.get(), detail::bytes(id), id.size(),
                                      detail::bytes(bundle_json), bundle_json.size(), &r));
    return updated(r);
  }
  UpdateResult update(std::string_view id, std::string_view bundle_json,
                      std::string_view request_id) const {
    pfhir_update_result* r = nullptr;
    detail::check(pfhir_client_update_with_request_id(
        h_.get(), detail::bytes(id), id.size(), detail::bytes(bundle_json), bundle_json.size(),
        detail::bytes(request_id), request_id.size(), &r));
    return updated(r);
  }

  /// Reads patient `id` (retried when transient), with `request_id` as the
  /// x-origin-request-id (empty: a fresh UUID).
  ReadResult read(std::string_view id, std::string_view request_id = {}) const {
    pfhir_read_result* r = nullptr;
    detail::check(pfhir_client_read_with_request_id(h_.get(), detail::bytes(id), id.size(),
                                                    detail::bytes(request_id), request_id.size(), &r));
    detail::Owned<pfhir_read_result, pfhir_read_result_free> owned(r);
    ReadResult x;
    x.patient_json = detail::str(pfhir_read_result_patient_json(r));
    x.request_id = detail::str(pfhir_read_result_request_id(r));
    x.status = pfhir_read_result_status(r);
    x.attempts = pfhir_read_result_attempts(r);
    return x;
  }

  /// New TLS connections opened so far (the other requests reused them).
  std::uint64_t connection_count() const noexcept { return pfhir_client_connection_count(h_.get()); }

  const pfhir_client* get() const noexcept { return h_.get(); }

 private:
  static CreateResult created(pfhir_create_result* r) {
    detail::Owned<pfhir_create_result, pfhir_create_result_free> owned(r);
    CreateResult x;
    x.patient_id = detail::str(pfhir_create_result_patient_id(r));
    x.bundle_id = detail::str(pfhir_create_result_bundle_id(r));
    x.request_id = detail::str(pfhir_create_result_request_id(r));
    x.bundle_json = detail::str(pfhir_create_result_bundle_json(r));
    x.status = pfhir_create_result_status(r);
    x.attempts = pfhir_create_result_attempts(r);
    return x;
  }
  static UpdateResult updated(pfhir_update_result* r) {
    detail::Owned<pfhir_update_result, pfhir_update_result_free> owned(r);
    UpdateResult x;
    x.request_id = detail::str(pfhir_update_result_request_id(r));
    x.status = pfhir_update_result_status(r);
    x.attempts = pfhir_update_result_attempts(r);
    return x;
  }
  detail::Owned<pfhir_client, pfhir_client_free> h_;
};

// ---------------------------------------------------------------------------------------
// HL7 v2 in (docs/hl7v2.md): an ADT message becomes a partner Bundle, every issue points at
// its HL7 field, and an original-mode ACK answers the sender.

/// Options of the HL7 v2 conversion (the CLI's `pfhir hl7` flags). Chainable setters.
class Hl7Options {
 public:
  /// The defaults: CIP and METEDA namespaces, no site time zone, UTF-8 without MSH-18, 1 MiB.
  Hl7Options() {
    pfhir_hl7_options* o = nullptr;
    detail::check(pfhir_hl7_options_new(&o));
    h_.reset(o);
  }
  Hl7Options(Hl7Options&&) noexcept = default;
  Hl7Options& operator=(Hl7Options&&) noexcept = default;
  Hl7Options(const Hl7Options&) = delete;
  Hl7Options& operator=(const Hl7Options&) = delete;

  /// Sets a text option (`Hl7Option::Tz`, `OrgId`...; see pfhir.h).
  Hl7Options& set(Hl7Option option, std::string_view value) {
    detail::check(pfhir_hl7_options_set(h_.get(), static_cast<pfhir_hl7_option>(option),
                                        detail::bytes(value), value.size()));
    return *this;
  }
  /// Puts a text option back to its default.
  Hl7Options& reset(Hl7Option option) {
    detail::check(
        pfhir_hl7_options_set(h_.get(), static_cast<pfhir_hl7_option>(option), nullptr, 0));
    return *this;
  }
  /// The organization OID (default: MSH-4.2 when MSH-4.3 is ISO).
  Hl7Options& org_id(std::string_view oid) { return set(Hl7Option::OrgId, oid); }
  /// The exact MessageHeader.source.endpoint.
  Hl7Options& source_endpoint(std::string_view uri) { return set(Hl7Option::SourceEndpoint, uri); }
  /// The platform's Patient id, for updates (A08, A31).
  Hl7Options& patient_id(std::string_view id) { return set(Hl7Option::PatientId, id); }
  /// The site's fixed UTC offset for times without zone (`+01:00`, `Z`).
  Hl7Options& tz(std::string_view offset) { return set(Hl7Option::Tz, offset); }
  /// The character set of messages without MSH-18 (`8859/1`...).
  Hl7Options& charset(std::string_view name) { return set(Hl7Option::Charset, name); }
  /// Fixed ids `bundle-S`, `header-S`, `patient-S`, `condition-S` (reproducible output).
  Hl7Options& fixed_ids(std::string_view s) { return set(Hl7Option::FixedIds, s); }
  /// The ACK's MSH-10.
  Hl7Options& ack_control_id(std::string_view id) { return set(Hl7Option::AckControlId, id); }
  /// The ACK's MSH-7 (an HL7 DTM).
  Hl7Options& ack_time(std::string_view dtm) { return set(Hl7Option::AckTime, dtm); }
  /// Maps a CX.4.1 namespace to an identifier system.
  Hl7Options& namespace_system(std::string_view ns, std::string_view system) {
    detail::check(pfhir_hl7_options_add_namespace(h_.get(), detail::bytes(ns), ns.size(),
                                                  detail::bytes(system), system.size()));
    return *this;
  }
  /// Accepts one more identifier system as assigning authority.
  Hl7Options& authority(std::string_view system) {
    detail::check(
        pfhir_hl7_options_add_authority(h_.get(), detail::bytes(system), system.size()));
    return *this;
  }
  /// The size limit in bytes (default 1 MiB).
  Hl7Options& max_bytes(std::size_t n) {
    detail::check(pfhir_hl7_options_set_max_bytes(h_.get(), n));
    return *this;
  }

  /// The C handle (still owned by this object).
  const pfhir_hl7_options* get() const noexcept { return h_.get(); }

 private:
  detail::Owned<pfhir_hl7_options, pfhir_hl7_options_free> h_;
};

/// One finding about an HL7 v2 message.
struct Hl7Issue {
  Severity severity = Severity::Error;
  std::string message_id;                 ///< PFHIR-H0304, or PFHIR-V.... (the validator's)
  std::optional<std::string> location;    ///< the HL7 field: PID-7, PID-3(2).4, DG1[2]-5
  std::optional<std::string> expression;  ///< the FHIRPath of the Bundle element
  std::uint32_t hl7_code = 0;             ///< table 0357 (ERR-3); 0 for warnings and notes
  std::uint32_t line = 0;                 ///< 1-based segment line; 0: no position
  std::uint32_t column = 0;               ///< 1-based, in characters
  std::string message;                    ///< what is wrong, never a value
};

/// The result of converting one message: owns the C result (RAII), immutable.
class Hl7Result {
 public:
  Hl7Result(Hl7Result&&) noexcept = default;
  Hl7Result& operator=(Hl7Result&&) noexcept = default;
  Hl7Result(const Hl7Result&) = delete;
  Hl7Result& operator=(const Hl7Result&) = delete;

  /// The Bundle as compact JSON, or nullopt when no valid Bundle resulted.
  std::optional<std::string> bundle() const {
    return detail::opt_str(pfhir_hl7_result_bundle(h_.get()));
  }
  /// True when a valid Bundle resulted (ACK AA).
  bool valid() const noexcept { return pfhir_hl7_result_bundle(h_.get()).data != nullptr; }
  /// Create, update, or none (not a Patient services event).
  Hl7Kind kind() const noexcept { return static_cast<Hl7Kind>(pfhir_hl7_result_kind(h_.get())); }
  /// MSA-1: `AA`, `AE` or `AR`.
  std::string ack_code() const { return detail::str(pfhir_hl7_result_ack_code(h_.get())); }
  /// The ACK bytes (segments ended by \r, in the message's character set).
  std::string ack() const {
    pfhir_bytes b{nullptr, 0};
    detail::check(pfhir_hl7_result_ack(h_.get(), &b));
    return detail::take(b);
  }
  /// The issues as an STU3 OperationOutcome (compact JSON).
  std::string outcome_json() const {
    return detail::str(pfhir_hl7_result_outcome_json(h_.get()));
  }
  /// Number of issues.
  std::size_t size() const noexcept { return pfhir_hl7_result_issue_count(h_.get()); }
  /// Issue `i`; throws std::out_of_range past the end.
  Hl7Issue issue(std::size_t i) const {
    if (i >= size()) throw std::out_of_range("pfhir::Hl7Result::issue: index out of range");
    const pfhir_hl7_result* r = h_.get();
    Hl7Issue x;
    x.severity = static_cast<Severity>(pfhir_hl7_result_issue_severity(r, i));
    x.message_id = detail::str(pfhir_hl7_result_issue_message_id(r, i));
    x.location = detail::opt_str(pfhir_hl7_result_issue_location(r, i));
    x.expression = detail::opt_str(pfhir_hl7_result_issue_expression(r, i));
    x.hl7_code = pfhir_hl7_result_issue_hl7_code(r, i);
    x.line = pfhir_hl7_result_issue_line(r, i);
    x.column = pfhir_hl7_result_issue_column(r, i);
    x.message = detail::str(pfhir_hl7_result_issue_message(r, i));
    return x;
  }
  /// Every issue.
  std::vector<Hl7Issue> issues() const {
    std::vector<Hl7Issue> v;
    for (std::size_t i = 0, n = size(); i < n; ++i) v.push_back(issue(i));
    return v;
  }

  const pfhir_hl7_result* get() const noexcept { return h_.get(); }

 private:
  friend Hl7Result hl7_to_bundle(std::string_view, const Hl7Options*);
  explicit Hl7Result(pfhir_hl7_result* r) noexcept : h_(r) {}
  detail::Owned<pfhir_hl7_result, pfhir_hl7_result_free> h_;
};

/// Converts one HL7 v2 message (bytes; MLLP framing allowed) with `options` (nullptr: the
/// defaults). Findings are data: throws only for unusable arguments.
inline Hl7Result hl7_to_bundle(std::string_view message, const Hl7Options* options = nullptr) {
  if (options != nullptr && options->get() == nullptr) {
    throw Error(Code::NullArgument, "pfhir::hl7_to_bundle: the Hl7Options were moved from");
  }
  pfhir_hl7_result* r = nullptr;
  detail::check(pfhir_hl7_convert(options != nullptr ? options->get() : nullptr,
                                  detail::bytes(message), message.size(), &r));
  return Hl7Result(r);
}
/// Converts one HL7 v2 message with `options`.
inline Hl7Result hl7_to_bundle(std::string_view message, const Hl7Options& options) {
  return hl7_to_bundle(message, &options);
}
/// The ACK of one message (segments ended by \r), whatever it says.
inline std::string hl7_ack(std::string_view message, const Hl7Options& options) {
  return hl7_to_bundle(message, &options).ack();
}

// ---------------------------------------------------------------------------------------
// The embedded outbox (docs/relay.md, "Embedding the outbox"): Bundles and HL7 messages stored
// durably before the call returns, delivered by background threads, and what is not delivered
// at close delivered after the next open.

/// What one submission did.
struct Submission {
  std::uint64_t id = 0;                  ///< the message's id (for Outbox::status); 0: not stored
  Received received = Received::Stored;  ///< Stored, Duplicate, Refused or StoreFailed
  std::string ack;                       ///< the HL7 ACK for the sender; empty for a Bundle
  /// True when the message is in the outbox (stored now or a re-send of a stored one).
  bool stored() const noexcept {
    return received == Received::Stored || received == Received::Duplicate;
  }
};

/// The status of one stored message.
struct MessageStatus {
  OutboxState state = OutboxState::Pending;
  std::uint32_t attempts = 0;             ///< delivery attempts made
  std::optional<std::string> logical_id;  ///< the platform's Patient id once created
  std::optional<std::string> detail;      ///< why (a rejection's OperationOutcome JSON)
  /// Delivered, rejected or dropped: nothing more will happen to it.
  bool final() const noexcept {
    return state == OutboxState::Delivered || state == OutboxState::Rejected ||
           state == OutboxState::Dropped;
  }
};

/// A durable outbox in a folder, delivering with a client made from a ClientConfig. RAII:
/// the destructor closes it (each worker finishes its current delivery). Thread-safe.
class Outbox {
 public:
  /// Opens (creating when needed) the outbox in `dir`, recovers what an earlier process left
  /// being sent, and starts `workers` delivery threads (0: 2). `hl7` (nullptr: the defaults)
  /// converts HL7 messages. The configuration and options are copied. Throws Error.
  Outbox(std::string_view dir, const ClientConfig& config, const Hl7Options* hl7 = nullptr,
         std::uint32_t workers = 0) {
    if (hl7 != nullptr && hl7->get() == nullptr) {
      throw Error(Code::NullArgument, "pfhir::Outbox: the Hl7Options were moved from");
    }
    pfhir_outbox* o = nullptr;
    detail::check(pfhir_outbox_open(detail::bytes(dir), dir.size(), config.get(),
                                    hl7 != nullptr ? hl7->get() : nullptr, workers, &o));
    h_.reset(o);
  }
  Outbox(Outbox&&) noexcept = default;
  Outbox& operator=(Outbox&&) noexcept = default;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  /// Stores a ready message Bundle (validated first: Code::Validation, nothing stored) as a
  /// create or an update (v2: to its Patient.id). The same Bundle.id again is a Duplicate.
  Submission submit_bundle(std::string_view bundle_json, OutboxKind kind = OutboxKind::Create) const {
    pfhir_submission* s = nullptr;
    detail::check(pfhir_outbox_submit_bundle(h_.get(), detail::bytes(bundle_json),
                                             bundle_json.size(),
                                             static_cast<pfhir_outbox_kind>(kind), &s));
    return submission(s);
  }
  /// Takes one HL7 v2 message as the MLLP relay does (AA once stored; AE/AR, not stored, when
  /// it cannot become a valid Bundle). Content problems are data, not exceptions.
  Submission submit_hl7(std::string_view message) const {
    pfhir_submission* s = nullptr;
    detail::check(pfhir_outbox_submit_hl7(h_.get(), detail::bytes(message), message.size(), &s));
    return submission(s);
  }
  /// The status of message `id`; throws Error (Code::NotFound) for an unknown id.
  MessageStatus status(std::uint64_t id) const {
    pfhir_message_status* s = nullptr;
    detail::check(pfhir_outbox_status(h_.get(), id, &s));
    detail::Owned<pfhir_message_status, pfhir_message_status_free> owned(s);
    MessageStatus x;
    x.state = static_cast<OutboxState>(pfhir_message_status_state(s));
    x.attempts = pfhir_message_status_attempts(s);
    x.logical_id = detail::opt_str(pfhir_message_status_logical_id(s));
    x.detail = detail::opt_str(pfhir_message_status_detail(s));
    return x;
  }
  /// Stops delivery after each worker's current delivery and frees the outbox; idempotent.
  void close() noexcept { h_.reset(); }

  const pfhir_outbox* get() const noexcept { return h_.get(); }

 private:
  static Submission submission(pfhir_submission* s) {
    detail::Owned<pfhir_submission, pfhir_submission_free> owned(s);
    Submission x;
    x.id = pfhir_submission_id(s);
    x.received = static_cast<Received>(pfhir_submission_received(s));
    pfhir_bytes b{nullptr, 0};
    detail::check(pfhir_submission_ack(s, &b));
    x.ack = detail::take(b);
    return x;
  }
  detail::Owned<pfhir_outbox, pfhir_outbox_close> h_;
};

}  // namespace pfhir

#endif  // PFHIR_HPP
