using System;
using System.IO;

namespace PfhirSdk
{
    public sealed partial class ClientConfig
    {
        private TrustStore trustStore = TrustStore.System;

        /// <summary>Where the server's certificate is checked when no <see cref="CaPem"/> is given
        /// (default <see cref="PfhirSdk.TrustStore.System"/>, the operating system's store).</summary>
        public TrustStore TrustStore
        {
            get { return trustStore; }
            set
            {
                Native.Check(Native.pfhir_client_config_set_trust_store(Handle, (uint)value));
                trustStore = value;
            }
        }

        /// <summary>The password of an encrypted <see cref="KeyPem"/> (BEGIN ENCRYPTED PRIVATE KEY;
        /// PBES2: AES or 3DES with PBKDF2 or scrypt). A wrong one makes <see cref="Client"/>'s
        /// constructor throw <see cref="WrongPasswordException"/>. Write-only; never logged.</summary>
        public string KeyPassword
        {
            set { Set(Native.pfhir_client_config_set_key_password, value, "KeyPassword"); }
        }

        /// <summary>Sets the client identity from a PKCS#12 file's bytes (.pfx / .p12) and its
        /// password (empty for a file exported without one), instead of <see cref="CertPem"/> and
        /// <see cref="KeyPem"/>, which it replaces (setting either afterwards replaces it in turn).
        /// AES files (OpenSSL 3, current Windows) and legacy 3DES/RC2 files are read; a wrong
        /// password makes <see cref="Client"/>'s constructor throw <see cref="WrongPasswordException"/>.
        /// The bytes are copied. Returns this configuration.</summary>
        public ClientConfig SetPkcs12(byte[] der, string password)
        {
            if (der == null) throw new ArgumentNullException("der");
            if (password == null) throw new ArgumentNullException("password");
            byte[] pw = Native.Encode(password, "password");
            try
            {
                Native.Check(Native.pfhir_client_config_set_pkcs12(Handle, der, Native.Len(der), pw, Native.Len(pw)));
            }
            finally
            {
                Array.Clear(pw, 0, pw.Length);
            }
            return this;
        }

        /// <summary>Reads the client identity from a PKCS#12 file (.pfx / .p12); see
        /// <see cref="SetPkcs12(byte[], string)"/>. Returns this configuration.</summary>
        public ClientConfig SetPkcs12File(string path, string password)
        {
            if (path == null) throw new ArgumentNullException("path");
            byte[] der = File.ReadAllBytes(path);
            try
            {
                return SetPkcs12(der, password);
            }
            finally
            {
                Array.Clear(der, 0, der.Length);
            }
        }
    }
}
