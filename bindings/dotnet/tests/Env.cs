// Where the tests find the repository (PFHIR_ROOT) and the pfhir binary (PFHIR_BIN), and the
// sandbox they start once and stop after all tests.

using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace PfhirSdk.Tests
{
    public static class Env
    {
        static string Required(string name)
        {
            string v = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(v)) throw new InvalidOperationException("environment variable " + name + " is not set (run bindings/dotnet/test.sh)");
            return v;
        }

        /// <summary>The repository root.</summary>
        public static string Root { get { return Required("PFHIR_ROOT"); } }

        public static string Header { get { return Path.Combine(Root, "include", "pfhir.h"); } }

        public static string Fixtures { get { return Path.Combine(Root, "tests", "fixtures", "validation"); } }

        /// <summary>The pfhir command-line binary (for `pfhir sandbox`).</summary>
        public static string Bin { get { return Required("PFHIR_BIN"); } }

        /// <summary>The README quickstart, compiled by test.sh.</summary>
        public static string Quickstart { get { return Required("PFHIR_QUICKSTART"); } }
    }

    /// <summary>One `pfhir sandbox` for the whole run, on a free port, with fresh certificates
    /// in a temporary folder; started by the first test that needs it, stopped after all.</summary>
    public static class Sandbox
    {
        public const string OrgId = "2.16.724.4.2";
        public const string ClientId = "1234567890";
        public const string ClientSecret = "sandbox-secret";

        static readonly object gate = new object();
        static Process proc;
        static string dir;
        static string baseUrl;
        static readonly StringBuilder log = new StringBuilder();

        public static string BaseUrl { get { Start(); return baseUrl; } }

        public static string CertDir { get { Start(); return dir; } }

        public static void Start()
        {
            lock (gate)
            {
                if (baseUrl != null) return;
                if (proc != null) throw new InvalidOperationException("the sandbox failed to start earlier:\n" + Log());
                string bin = Env.Bin;
                if (!File.Exists(bin)) throw new FileNotFoundException("PFHIR_BIN does not exist: " + bin);
                dir = Path.Combine(Path.GetTempPath(), "pfhir-dotnet-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(dir);
                var psi = new ProcessStartInfo(bin, "sandbox --certs \"" + dir + "\" --port 0")
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    RedirectStandardInput = false,
                };
                var found = new ManualResetEvent(false);
                string url = null;
                proc = Process.Start(psi);
                // test.sh stops the sandbox by this pid if the runner dies before Stop().
                string pidFile = Environment.GetEnvironmentVariable("PFHIR_SANDBOX_PIDFILE");
                if (!string.IsNullOrEmpty(pidFile)) File.WriteAllText(pidFile, proc.Id + "\n" + dir + "\n");
                var outReader = new Thread(() =>
                {
                    string line;
                    while ((line = proc.StandardOutput.ReadLine()) != null)
                    {
                        lock (log) log.AppendLine(line);
                        if (url == null && line.Contains("https://"))
                        {
                            url = Regex.Match(line, @"https://\S+").Value;
                            found.Set();
                        }
                    }
                    found.Set();
                });
                var errReader = new Thread(() =>
                {
                    string line;
                    while ((line = proc.StandardError.ReadLine()) != null) lock (log) log.AppendLine(line);
                });
                outReader.IsBackground = true;
                errReader.IsBackground = true;
                outReader.Start();
                errReader.Start();
                AppDomain.CurrentDomain.ProcessExit += (s, e) => Stop();
                if (!found.WaitOne(TimeSpan.FromSeconds(60)) || url == null)
                    throw new InvalidOperationException("the sandbox printed no https:// URL within 60 s:\n" + Log());
                baseUrl = url;
            }
        }

        static string Log() { lock (log) return log.ToString(); }

        /// <summary>A configuration for the sandbox with the client certificate (the caller disposes it).</summary>
        public static ClientConfig Config()
        {
            Start();
            var cfg = new ClientConfig();
            try
            {
                cfg.BaseUrl = baseUrl;
                cfg.OrgId = OrgId;
                cfg.ClientId = ClientId;
                cfg.ClientSecret = ClientSecret;
                cfg.CaPem = File.ReadAllText(Path.Combine(dir, "ca.pem"));
                cfg.CertPem = File.ReadAllText(Path.Combine(dir, "client.pem"));
                cfg.KeyPem = File.ReadAllText(Path.Combine(dir, "client-key.pem"));
                cfg.SetRetry(1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
                return cfg;
            }
            catch
            {
                cfg.Dispose();
                throw;
            }
        }

        /// <summary>A request to the sandbox's <c>/_sandbox/</c> endpoints over the same mutual
        /// TLS, with curl (Mono cannot present a PEM client key): the 200 answer's body.</summary>
        public static string Admin(string method, string path, string json)
        {
            Start();
            string origin = Regex.Match(baseUrl, @"^https://[^/]+").Value;
            var args = new StringBuilder("-sS --fail --max-time 10");
            args.Append(" --cacert \"").Append(Path.Combine(dir, "ca.pem")).Append('"');
            args.Append(" --cert \"").Append(Path.Combine(dir, "client.pem")).Append('"');
            args.Append(" --key \"").Append(Path.Combine(dir, "client-key.pem")).Append('"');
            args.Append(" -X ").Append(method);
            if (json != null) args.Append(" -H \"Content-Type: application/json\" --data-binary @-");
            args.Append(' ').Append(origin).Append(path);
            var psi = new ProcessStartInfo("curl", args.ToString())
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            Process p;
            try
            {
                p = Process.Start(psi);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("curl is needed to reach /_sandbox/ (run bindings/dotnet/setup.sh): " + e.Message);
            }
            using (p)
            {
                var err = p.StandardError.ReadToEndAsync();
                if (json != null) p.StandardInput.Write(json);
                p.StandardInput.Close();
                string output = p.StandardOutput.ReadToEnd();
                if (!p.WaitForExit(20000)) throw new InvalidOperationException("curl " + method + " " + path + " did not finish");
                if (p.ExitCode != 0) throw new InvalidOperationException("curl " + method + " " + path + " exited " + p.ExitCode + ": " + err.Result);
                return output;
            }
        }

        /// <summary>Queues fault rules (a rule or a JSON array of rules): POST /_sandbox/faults.</summary>
        public static void Faults(string rulesJson) { Admin("POST", "/_sandbox/faults", rulesJson); }

        /// <summary>Removes every queued fault rule.</summary>
        public static void ClearFaults() { Admin("DELETE", "/_sandbox/faults", null); }

        /// <summary>GET /_sandbox/stats: <c>requests</c> (its own included), <c>patients</c>...</summary>
        public static object Stats() { return MiniJson.Parse(Admin("GET", "/_sandbox/stats", null)); }

        /// <summary>GET /_sandbox/settings: <c>dedup</c>.</summary>
        public static object Settings() { return MiniJson.Parse(Admin("GET", "/_sandbox/settings", null)); }

        /// <summary>Turns the sandbox's de-duplication by x-origin-request-id on or off.</summary>
        public static void SetDedup(bool on)
        {
            object got = MiniJson.Get(MiniJson.Parse(Admin("POST", "/_sandbox/settings", on ? "{\"dedup\":true}" : "{\"dedup\":false}")), "dedup");
            if (!(got is bool) || (bool)got != on) throw new InvalidOperationException("the sandbox's dedup is " + got + ", not " + on);
        }

        [AfterAll]
        public static void Stop()
        {
            lock (gate)
            {
                if (proc != null)
                {
                    try
                    {
                        if (!proc.HasExited) proc.Kill();
                        proc.WaitForExit(10000);
                    }
                    catch (InvalidOperationException) { }
                    proc.Dispose();
                    proc = null;
                    baseUrl = null;
                }
                string pidFile = Environment.GetEnvironmentVariable("PFHIR_SANDBOX_PIDFILE");
                if (!string.IsNullOrEmpty(pidFile) && File.Exists(pidFile)) File.Delete(pidFile);
                if (dir != null && Directory.Exists(dir))
                {
                    Directory.Delete(dir, true);
                    dir = null;
                }
            }
        }
    }
}
