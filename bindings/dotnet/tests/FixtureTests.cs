// Replays tests/fixtures/validation: every case gives the issues of its .expected.json and an
// OperationOutcome byte-equal to its .outcome.json.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace PfhirSdk.Tests
{
    public static class FixtureTests
    {
        [TestCases]
        public static IEnumerable<TestCase> Corpus()
        {
            var inputs = Directory.GetFiles(Env.Fixtures, "*.json")
                .Where(f => !f.EndsWith(".expected.json", StringComparison.Ordinal) && !f.EndsWith(".outcome.json", StringComparison.Ordinal))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            if (inputs.Count < 100) throw new InvalidOperationException("only " + inputs.Count + " fixtures found in " + Env.Fixtures);
            foreach (var input in inputs)
            {
                string path = input;
                yield return new TestCase("fixture " + Path.GetFileNameWithoutExtension(path), () => Replay(path));
            }
        }

        static ValidatorOptions Options(object expected)
        {
            var o = new ValidatorOptions();
            string profile = (string)MiniJson.Get(expected, "profile");
            if (profile == "base") o.Profile = Profile.Base;
            else if (profile == "partner") o.Profile = Profile.Partner;
            else throw new FormatException("unknown profile " + profile);
            object opts = MiniJson.Get(expected, "options");
            if (opts != null)
            {
                var rules = MiniJson.Get(opts, "rules") as Dictionary<string, object>;
                if (rules != null)
                {
                    foreach (var kv in rules)
                    {
                        switch ((string)kv.Value)
                        {
                            case "error": o.SetRule(kv.Key, RuleSeverity.Error); break;
                            case "warning": o.SetRule(kv.Key, RuleSeverity.Warning); break;
                            case "off": o.SetRule(kv.Key, RuleSeverity.Off); break;
                            default: throw new FormatException("unknown rule severity " + kv.Value);
                        }
                    }
                }
                var auths = MiniJson.Get(opts, "authorities") as List<object>;
                if (auths != null) foreach (var a in auths) o.AddAuthority((string)a);
                object maxBytes = MiniJson.Get(opts, "maxBytes");
                if (maxBytes != null) o.MaxBytes = (long)(double)maxBytes;
                object maxDepth = MiniJson.Get(opts, "maxDepth");
                if (maxDepth != null) o.MaxDepth = (int)(double)maxDepth;
            }
            return o;
        }

        static void Replay(string input)
        {
            string stem = input.Substring(0, input.Length - ".json".Length);
            object expected = MiniJson.Parse(File.ReadAllText(stem + ".expected.json", Encoding.UTF8));
            byte[] outcomeJson = File.ReadAllBytes(stem + ".outcome.json");
            byte[] doc = File.ReadAllBytes(input);
            var want = (List<object>)MiniJson.Get(expected, "issues");

            using (var v = new Validator(Options(expected)))
            using (var outcome = v.Validate(doc))
            {
                var got = outcome.Issues;
                var sb = new StringBuilder();
                if (got.Count != want.Count)
                    sb.AppendLine("expected " + want.Count + " issues, got " + got.Count);
                for (int i = 0; i < Math.Max(got.Count, want.Count); i++)
                {
                    string w = i < want.Count ? Describe(want[i]) : "(none)";
                    string g = i < got.Count ? Describe(got[i]) : "(none)";
                    if (w != g) sb.AppendLine("issue " + i + ":\n  expected " + w + "\n  got      " + g);
                }
                if (sb.Length > 0) throw new AssertionException(sb.ToString());
                bool errors = got.Any(x => x.Severity == Severity.Error || x.Severity == Severity.Fatal);
                Assert.Equal(errors, outcome.HasErrors, "HasErrors");
                Assert.BytesEqual(outcomeJson, outcome.ToJsonBytes(), "ToJsonBytes");
                Assert.Equal(Encoding.UTF8.GetString(outcomeJson), outcome.ToJson(), "ToJson");
                foreach (var issue in got) Assert.True(issue.Message.Length > 0, "every issue has a message");
            }
        }

        static string Describe(object w)
        {
            return string.Join("|", new[]
            {
                (string)MiniJson.Get(w, "severity"),
                (string)MiniJson.Get(w, "code"),
                (string)MiniJson.Get(w, "id"),
                (string)MiniJson.Get(w, "key") ?? "<null>",
                (string)MiniJson.Get(w, "expression"),
                ((int)(double)MiniJson.Get(w, "line")).ToString(),
                ((int)(double)MiniJson.Get(w, "column")).ToString(),
            });
        }

        static string Describe(Issue i)
        {
            return string.Join("|", new[]
            {
                i.Severity.ToString().ToLowerInvariant(), i.Code, i.MessageId, i.Key ?? "<null>", i.Expression,
                i.Line.ToString(), i.Column.ToString(),
            });
        }
    }
}
