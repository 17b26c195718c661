// The README quickstart (extracted and compiled by test.sh) runs against the sandbox with the
// settings its table names: arguments and the credentials folder, no environment variable.

using System;
using System.Diagnostics;
using System.IO;

namespace PfhirSdk.Tests
{
    public static class QuickstartTests
    {
        static int Run(string args, out string output, out string error)
        {
            string mono = Process.GetCurrentProcess().MainModule.FileName;
            var psi = new ProcessStartInfo(mono, "--debug \"" + Env.Quickstart + "\" " + args)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (var p = Process.Start(psi))
            {
                var err = p.StandardError.ReadToEndAsync();
                output = p.StandardOutput.ReadToEnd();
                Assert.True(p.WaitForExit(60000), "the quickstart finished");
                error = err.Result;
                return p.ExitCode;
            }
        }

        [Test]
        public static void ReadmeQuickstartRuns()
        {
            string dir = Sandbox.CertDir;
            string input = Path.Combine(dir, "quickstart-input.json");
            File.WriteAllText(input, "{\"authority\":\"cip\",\"patientId\":\"QS" + Guid.NewGuid().ToString("N").Substring(0, 10) +
                "\",\"familyName\":\"Quickstart\",\"gender\":\"female\",\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\",\"organizationOid\":\"2.16.724.4.2\"}");
            File.WriteAllText(Path.Combine(dir, "client-secret"), Sandbox.ClientSecret + "\n");
            string output, error;
            int rc = Run("\"" + Sandbox.BaseUrl + "\" " + Sandbox.OrgId + " " + Sandbox.ClientId + " \"" + dir + "\" \"" + input + "\"", out output, out error);
            Assert.Equal(0, rc, "exit code (stdout: " + output + " stderr: " + error + ")");
            Assert.Contains("created ", output, "the quickstart created the patient");
            Assert.Contains("updated: HTTP 200", output, "and updated it");
            Assert.Contains("\"resourceType\":\"Patient\"", output, "and read it back");
            Assert.Contains("Quickstart", output, "with its family name");
        }

        [Test]
        public static void ReadmeQuickstartUsage()
        {
            string output, error;
            Assert.Equal(2, Run("", out output, out error), "exit status without arguments");
            Assert.Contains("usage: Quickstart BASE_URL ORG_ID CLIENT_ID CREDENTIALS_DIR PATIENT_INPUT.json", error, "usage");
        }
    }
}
