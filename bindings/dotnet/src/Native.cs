// The hand-written half of Native: the structs, the library name, the marshalling helpers and
// two special declarations; every function's P/Invoke declaration is generated into
// Native.g.cs from include/pfhir.h (`cargo xtask gen`). Internal: use the public classes.
// Conventions (ffi/README.md): a fallible call returns pfhir_error* (NULL = success) and writes
// its out-parameter only on success; pfhir_str is borrowed, pfhir_bytes is owned and freed by
// value with pfhir_bytes_free; C `bool` is one byte (marshalled as I1); size_t is UIntPtr.

using System;
using System.Runtime.InteropServices;
using System.Text;

namespace PfhirSdk
{
    /// <summary>A borrowed string: <c>len</c> bytes of UTF-8 at <c>data</c> (NULL when absent).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PfhirStr
    {
        public IntPtr Data;
        public UIntPtr Len;
    }

    /// <summary>An owned buffer, freed with <c>pfhir_bytes_free</c> (passed by value).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PfhirBytes
    {
        public IntPtr Data;
        public UIntPtr Len;
    }

    internal static partial class Native
    {
        /// <summary>The library name; Mono maps it with Pfhir.dll.config or finds libpfhir.so
        /// on LD_LIBRARY_PATH, .NET Core finds it next to the app or in runtimes/RID/native.</summary>
        internal const string Lib = "pfhir";

        // pfhir_validate with a pinned pointer (no copy of large documents), and
        // pfhir_validator_new with NULL options: overloads the generated declarations cannot give.






        [DllImport(Lib, EntryPoint = "pfhir_validator_new")] internal static extern ErrorHandle pfhir_validator_new_defaults(IntPtr nullOpts, out ValidatorHandle output);
        [DllImport(Lib)] internal static extern ErrorHandle pfhir_validate(ValidatorHandle v, IntPtr json, UIntPtr len, out OutcomeHandle output);
        // pfhir_outbox_close on the raw pointer, for OutboxHandle.ReleaseHandle (the generated
        // declaration takes the SafeHandle, which is already closed there).
        [DllImport(Lib, EntryPoint = "pfhir_outbox_close")] internal static extern void pfhir_outbox_close_raw(IntPtr o);


        /// <summary>Strict UTF-8: throws on lone surrogates instead of writing U+FFFD.</summary>
        internal static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

        /// <summary>A string as UTF-8 bytes; null stays null (the empty text for optional
        /// arguments). A string that is not valid UTF-16 gives an ArgumentException.</summary>
        internal static byte[] Encode(string s, string paramName)
        {
            if (s == null) return null;
            try
            {
                return Utf8.GetBytes(s);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException("the text contains an unpaired surrogate: it cannot be encoded as UTF-8", paramName, e);
            }
        }

        /// <summary>The length of an optional byte array as size_t.</summary>
        internal static UIntPtr Len(byte[] b)
        {
            return new UIntPtr(b == null ? 0u : (ulong)b.LongLength);
        }

        /// <summary>Copies a borrowed string; null when absent ({NULL, 0}).</summary>
        internal static string ToStringOrNull(PfhirStr s)
        {
            if (s.Data == IntPtr.Zero) return null;
            ulong len = s.Len.ToUInt64();
            if (len == 0) return string.Empty;
            if (len > int.MaxValue) throw new OverflowException("pfhir returned a string longer than 2 GiB");
            var buf = new byte[(int)len];
            Marshal.Copy(s.Data, buf, 0, (int)len);
            return Utf8.GetString(buf);
        }

        /// <summary>Copies a borrowed string; empty when absent.</summary>
        internal static string ToStringOrEmpty(PfhirStr s)
        {
            return ToStringOrNull(s) ?? string.Empty;
        }

        /// <summary>Copies an owned buffer and frees it (also when the copy fails).</summary>
        internal static byte[] TakeBytes(PfhirBytes b)
        {
            try
            {
                ulong len = b.Len.ToUInt64();
                if (b.Data == IntPtr.Zero || len == 0) return new byte[0];
                if (len > int.MaxValue) throw new OverflowException("pfhir returned a buffer longer than 2 GiB");
                var buf = new byte[(int)len];
                Marshal.Copy(b.Data, buf, 0, (int)len);
                return buf;
            }
            finally
            {
                pfhir_bytes_free(b);
            }
        }

        /// <summary>Copies an owned buffer of UTF-8 text and frees it.</summary>
        internal static string TakeString(PfhirBytes b)
        {
            return Utf8.GetString(TakeBytes(b));
        }

        /// <summary>Throws the exception of a fallible call's error, and frees it; does
        /// nothing for NULL (success).</summary>
        internal static void Check(ErrorHandle err)
        {
            if (err == null || err.IsInvalid)
            {
                if (err != null) err.Dispose();
                return;
            }
            PfhirException ex;
            using (err)
            {
                ex = PfhirException.FromNative(err);
            }
            throw ex;
        }
    }
}
