// SafeHandle subclasses, one per opaque handle type of libpfhir. Each frees its pointer with
// the matching pfhir_<type>_free exactly once (on Dispose, or by the finalizer as a last
// resort), and the P/Invoke marshaller keeps a handle alive while a call uses it.

using System;
using System.Runtime.InteropServices;

namespace PfhirSdk
{
    /// <summary>The base of pfhir's handles: NULL is the invalid value.</summary>
    internal abstract class PfhirHandle : SafeHandle
    {
        protected PfhirHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        /// <summary>Throws ObjectDisposedException when the handle was freed.</summary>
        internal void ThrowIfClosed(string owner)
        {
            if (IsClosed || IsInvalid) throw new ObjectDisposedException(owner);
        }
    }

    internal sealed class ErrorHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_error_free(handle); return true; }
    }

    internal sealed class BuilderHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_builder_free(handle); return true; }
    }

    internal sealed class ClientConfigHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_client_config_free(handle); return true; }
    }

    internal sealed class ClientHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_client_free(handle); return true; }
    }

    internal sealed class CreateResultHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_create_result_free(handle); return true; }
    }

    internal sealed class UpdateResultHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_update_result_free(handle); return true; }
    }

    internal sealed class ReadResultHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_read_result_free(handle); return true; }
    }

    internal sealed class ValidatorOptionsHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_validator_options_free(handle); return true; }
    }

    internal sealed class ValidatorHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_validator_free(handle); return true; }
    }

    internal sealed class OutcomeHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_outcome_free(handle); return true; }
    }

    internal sealed class Hl7OptionsHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_hl7_options_free(handle); return true; }
    }

    internal sealed class Hl7ResultHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_hl7_result_free(handle); return true; }
    }

    /// <summary>An open outbox: released with pfhir_outbox_close, which lets each delivery
    /// worker finish its current delivery.</summary>
    internal sealed class OutboxHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_outbox_close_raw(handle); return true; }
    }

    internal sealed class SubmissionHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_submission_free(handle); return true; }
    }

    internal sealed class MessageStatusHandle : PfhirHandle
    {
        protected override bool ReleaseHandle() { Native.pfhir_message_status_free(handle); return true; }
    }
}
