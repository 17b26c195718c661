// The test program of the installed NuGet package (scripts/test-dist.d/nupkg.sh): compiled with
// mcs against the package's Pfhir.dll only, run from a folder laid out as a .NET host resolves
// the package, with no PFHIR_*, LD_LIBRARY_PATH or MONO_PATH variable.
//
//   mono NupkgCheck.exe VERSION GOOD.json BAD.json                  validate only
//   mono NupkgCheck.exe VERSION GOOD.json BAD.json BASE_URL CERTS   and create + update over
//                                                                   mTLS (sync and async)
// Prints one "ok: ..." line per check and "native: PATH" (the libpfhir this process mapped);
// exits 1 at the first failed check, naming it.

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using PfhirSdk;

static class NupkgCheck
{
    static void Check(bool cond, string what)
    {
        if (!cond) throw new Exception("check failed: " + what);
        Console.WriteLine("ok: " + what);
    }

    static int Main(string[] args)
    {
        try
        {
            Run(args);
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("FAILED: " + e);
            return 1;
        }
    }

    static string Input(string family, string logicalId = null)
    {
        string pid = "NUPKG" + Guid.NewGuid().ToString("N").Substring(0, 8).ToUpperInvariant();
        return "{\"authority\":\"cip\",\"patientId\":\"" + pid + "\",\"familyName\":\"" + family + "\",\"gender\":\"female\"," +
               "\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\",\"organizationOid\":\"2.16.724.4.2\"" +
               (logicalId == null ? "" : ",\"ids\":{\"patient\":\"" + logicalId + "\"}") + "}";
    }

    static void Run(string[] args)
    {
        string version = args[0];
        Check(Pfhir.Version == version, "libpfhir version " + Pfhir.Version);
        var asm = typeof(Pfhir).Assembly;
        var info = (AssemblyInformationalVersionAttribute)Attribute.GetCustomAttribute(asm, typeof(AssemblyInformationalVersionAttribute));
        Check(info != null && info.InformationalVersion == version, "Pfhir.dll informational version " + (info == null ? "(none)" : info.InformationalVersion));
        // What the README says a Mono-built Pfhir.dll references (facades of these names exist on .NET 6+).
        string refs = string.Join(" ", asm.GetReferencedAssemblies().Select(n => n.Name + " " + n.Version).OrderBy(s => s, StringComparer.Ordinal));
        Check(asm.GetReferencedAssemblies().All(n => (n.Name == "mscorlib" || n.Name == "System" || n.Name == "System.Core") && n.Version == new Version(4, 0, 0, 0)),
            "Pfhir.dll references only mscorlib, System, System.Core 4.0.0.0: " + refs);

        using (var validator = new Validator())
        {
            using (var good = validator.Validate(File.ReadAllBytes(args[1])))
                Check(!good.HasErrors, "good-bundle.json is valid (" + good.Issues.Count + " issues)");
            using (var bad = validator.Validate(File.ReadAllBytes(args[2])))
                Check(bad.HasErrors && bad.Issues.Any(i => i.MessageId == "PFHIR-V0304"), "065 is invalid (PFHIR-V0304)");
        }

        if (args.Length >= 5)
        {
            string certs = args[4];
            using (var cfg = new ClientConfig
            {
                BaseUrl = args[3],
                OrgId = "2.16.724.4.2",
                ClientId = "1234567890",
                ClientSecret = "sandbox-secret",
                CaPem = File.ReadAllText(Path.Combine(certs, "ca.pem")),
                CertPem = File.ReadAllText(Path.Combine(certs, "client.pem")),
                KeyPem = File.ReadAllText(Path.Combine(certs, "client-key.pem")),
            })
            using (var client = new Client(cfg))
            {
                CreateResult c = client.Create(Pfhir.BuildBundle(Input("NupkgSync")));
                Check(c.Status == 200 && c.PatientId.Length > 0, "create (sync): " + c.PatientId);
                UpdateResult u = client.Update(c.PatientId, Pfhir.BuildBundle(Input("NupkgSyncUpdated", c.PatientId)));
                Check(u.Status == 200, "update (sync): HTTP " + u.Status);
                Check(client.Read(c.PatientId).PatientJson.Contains("NupkgSyncUpdated"), "read (sync) gives the update");

                using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
                {
                    CreateResult ca = client.CreateAsync(Pfhir.BuildBundle(Input("NupkgAsync")), null, cts.Token).GetAwaiter().GetResult();
                    Check(ca.Status == 200 && ca.PatientId.Length > 0, "create (async): " + ca.PatientId);
                    Task<UpdateResult> ut = client.UpdateAsync(ca.PatientId, Pfhir.BuildBundle(Input("NupkgAsyncUpdated", ca.PatientId)), null, cts.Token);
                    Check(ut.GetAwaiter().GetResult().Status == 200, "update (async)");
                    ReadResult r = client.ReadAsync(ca.PatientId, cts.Token).GetAwaiter().GetResult();
                    Check(r.PatientJson.Contains("NupkgAsyncUpdated"), "read (async) gives the update");
                }
            }
        }

        // The library this process mapped (Linux): where Mono found it.
        string native = File.ReadAllLines("/proc/self/maps")
            .Select(l => l.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && Path.GetFileName(f[5]).StartsWith("libpfhir"))
            .Select(f => f[5]).FirstOrDefault();
        Check(native != null, "libpfhir is mapped");
        Console.WriteLine("native: " + native);
    }
}
