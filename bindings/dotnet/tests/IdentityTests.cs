// Issue #12 items 5 and 6 in .NET, against `pfhir sandbox` over mutual TLS: creates with a
// PKCS#12 identity (OpenSSL 3's AES default and the legacy 3DES/RC2 form) and an encrypted PKCS#8
// key; a wrong password is a WrongPasswordException that never shows it; without CaPem the
// sandbox's CA is unknown to the system store (the default) and to the Mozilla roots. The files
// are made from the sandbox's client certificate with the openssl command at run time.

using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;

namespace PfhirSdk.Tests
{
    public static class IdentityTests
    {
        const string Password = "net-test-pw-6626";
        const string Wrong = "net-wrong-pw-2997";
        static int counter;
        static string made;

        /// <summary>The folder with id.p12, id-legacy.p12 and id-key.pem (made once).</summary>
        static string Made()
        {
            if (made != null) return made;
            string dir = Path.Combine(Path.GetTempPath(), "pfhir-net-identity-" + Process.GetCurrentProcess().Id);
            Directory.CreateDirectory(dir);
            string certs = Sandbox.CertDir;
            string pem = " -in \"" + Path.Combine(certs, "client.pem") + "\" -inkey \"" + Path.Combine(certs, "client-key.pem") + "\"";
            OpenSsl("pkcs12 -export" + pem + " -certfile \"" + Path.Combine(certs, "ca.pem") + "\" -out \"" + Path.Combine(dir, "id.p12") + "\"");
            OpenSsl("pkcs12 -export -legacy" + pem + " -out \"" + Path.Combine(dir, "id-legacy.p12") + "\"");
            OpenSsl("pkcs8 -topk8 -v2 aes-256-cbc -in \"" + Path.Combine(certs, "client-key.pem") + "\" -out \"" + Path.Combine(dir, "id-key.pem") + "\"");
            made = dir;
            return dir;
        }

        static void OpenSsl(string args)
        {
            var psi = new ProcessStartInfo("openssl", args + " -passout pass:" + Password)
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            Process p;
            try
            {
                p = Process.Start(psi);
            }
            catch (Exception e)
            {
                throw new AssertionException("the openssl command is needed to make the PKCS#12 files: " + e.Message);
            }
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode, "openssl " + args + ": " + err);
        }

        [AfterAll]
        public static void RemoveFiles()
        {
            if (made != null && Directory.Exists(made)) Directory.Delete(made, true);
        }

        /// <summary>The sandbox's settings with its CA (when asked) and no client identity.</summary>
        static ClientConfig Bare(bool withCa)
        {
            var cfg = new ClientConfig();
            cfg.BaseUrl = Sandbox.BaseUrl;
            cfg.OrgId = Sandbox.OrgId;
            cfg.ClientId = Sandbox.ClientId;
            cfg.ClientSecret = Sandbox.ClientSecret;
            cfg.SetRetry(1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
            if (withCa) cfg.CaPem = File.ReadAllText(Path.Combine(Sandbox.CertDir, "ca.pem"));
            return cfg;
        }

        static string Cert { get { return File.ReadAllText(Path.Combine(Sandbox.CertDir, "client.pem")); } }

        static void Creates(ClientConfig cfg, string what)
        {
            using (cfg)
            using (var client = new Client(cfg))
            {
                int n = Interlocked.Increment(ref counter);
                string input = "{\"authority\":\"cip\",\"patientId\":\"NETID" + n.ToString("D4") + "P" + Process.GetCurrentProcess().Id +
                               "\",\"familyName\":\"Identity\",\"diabetes\":\"type1\",\"organizationOid\":\"2.16.724.4.2\"}";
                var created = client.Create(Pfhir.BuildBundle(input));
                Assert.True(created.Status >= 200 && created.Status < 300, what + ": status " + created.Status);
                Assert.True(created.PatientId.Length > 0, what + ": a patient id");
            }
        }

        static void WrongPassword(ClientConfig cfg, string says)
        {
            using (cfg)
            {
                var e = Assert.Throws<WrongPasswordException>(() => new Client(cfg).Dispose(), says);
                Assert.True(e is ConfigException, "a WrongPasswordException is a ConfigException");
                Assert.Equal(ErrorCode.WrongPassword, e.Code, "code");
                Assert.Equal("wrong_password", e.CodeName, "code name");
                Assert.Contains(says, e.Message, "the message names the setting");
                Assert.True(!e.Message.Contains(Wrong) && !e.ToString().Contains(Wrong), "the password is never shown");
            }
        }

        [Test]
        public static void Pkcs12FilesCreate()
        {
            var cfg = Bare(true);
            cfg.SetPkcs12File(Path.Combine(Made(), "id.p12"), Password);
            Creates(cfg, "aes");
            var legacy = Bare(true);
            legacy.CertPem = Cert; // replaced by the PKCS#12 identity
            legacy.SetPkcs12(File.ReadAllBytes(Path.Combine(Made(), "id-legacy.p12")), Password);
            Creates(legacy, "legacy");
        }

        [Test]
        public static void EncryptedKeyCreates()
        {
            var cfg = Bare(true);
            cfg.CertPem = Cert;
            cfg.KeyPem = File.ReadAllText(Path.Combine(Made(), "id-key.pem"));
            cfg.KeyPassword = Password;
            Creates(cfg, "pkcs8");
        }

        [Test]
        public static void WrongPasswordsThrowWrongPasswordException()
        {
            var a = Bare(true);
            a.SetPkcs12File(Path.Combine(Made(), "id.p12"), Wrong);
            WrongPassword(a, "pkcs12 password");
            var b = Bare(true);
            b.SetPkcs12File(Path.Combine(Made(), "id-legacy.p12"), Wrong);
            WrongPassword(b, "pkcs12 password");
            var k = Bare(true);
            k.CertPem = Cert;
            k.KeyPem = File.ReadAllText(Path.Combine(Made(), "id-key.pem"));
            k.KeyPassword = Wrong;
            WrongPassword(k, "key_password");
            using (var none = Bare(true))
            {
                none.CertPem = Cert;
                none.KeyPem = File.ReadAllText(Path.Combine(Made(), "id-key.pem"));
                var e = Assert.Throws<ConfigException>(() => new Client(none).Dispose(), "no key password");
                Assert.Equal(ErrorCode.Config, e.Code, "a configuration error, not a wrong password");
                Assert.Contains("key_password", e.Message, "names key_password");
                Assert.Throws<ArgumentNullException>(() => none.SetPkcs12(null, "x"), "null der");
                Assert.Throws<PfhirArgumentException>(() => none.SetPkcs12(new byte[0], "x"), "empty der");
            }
        }

        [Test]
        public static void WithoutCaPemTheSandboxCaIsUnknown()
        {
            foreach (var store in new TrustStore?[] { null, TrustStore.System, TrustStore.Mozilla })
            {
                using (var cfg = Bare(false))
                {
                    cfg.CertPem = Cert;
                    cfg.KeyPem = File.ReadAllText(Path.Combine(Sandbox.CertDir, "client-key.pem"));
                    if (store.HasValue) cfg.TrustStore = store.Value;
                    Assert.Equal(store ?? TrustStore.System, cfg.TrustStore, "the store");
                    using (var client = new Client(cfg))
                    {
                        var e = Assert.Throws<TlsException>(() => client.Read("no-such-patient"), "unknown CA " + store);
                        Assert.Contains("not signed by a trusted CA", e.Message, "the cause");
                    }
                }
            }
            var withCa = Bare(true);
            withCa.CertPem = Cert;
            withCa.KeyPem = File.ReadAllText(Path.Combine(Sandbox.CertDir, "client-key.pem"));
            withCa.TrustStore = TrustStore.Mozilla;
            Creates(withCa, "CaPem wins over the trust store");
            using (var bad = Bare(false))
            {
                Assert.Throws<PfhirArgumentException>(() => bad.TrustStore = (TrustStore)9, "an unknown store");
            }
        }

        [Test]
        public static void TrustStoreMirrorsTheHeader()
        {
            string h = File.ReadAllText(Env.Header);
            int n = 0;
            foreach (Match m in Regex.Matches(h, @"#define\s+PFHIR_TRUST_([A-Z]+)\s+(\d+)"))
            {
                string name = m.Groups[1].Value.Substring(0, 1) + m.Groups[1].Value.Substring(1).ToLowerInvariant();
                var store = (TrustStore)Enum.Parse(typeof(TrustStore), name);
                Assert.Equal(uint.Parse(m.Groups[2].Value), (uint)store, name);
                n++;
            }
            Assert.Equal(Enum.GetValues(typeof(TrustStore)).Length, n, "every store");
        }
    }
}
