// A tiny test runner: runs every [Test] method (and every case of every [TestCases] method) of
// this assembly, each on its own thread with a time limit, prints each failure and the line
// `N passed, N failed`, and exits 1 on any failure. Arguments filter tests by substring.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading;

namespace PfhirSdk.Tests
{
    /// <summary>Marks a test: a public method without parameters.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute { }

    /// <summary>Marks a static method returning IEnumerable&lt;TestCase&gt;: one test per case.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestCasesAttribute : Attribute { }

    /// <summary>Marks a static method run once after all tests (cleanup).</summary>
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class AfterAllAttribute : Attribute { }

    public sealed class TestCase
    {
        public TestCase(string name, Action run) { Name = name; Run = run; }
        public string Name { get; private set; }
        public Action Run { get; private set; }
    }

    public sealed class AssertionException : Exception
    {
        public AssertionException(string message) : base(message) { }
    }

    public static class Assert
    {
        public static void True(bool cond, string what)
        {
            if (!cond) throw new AssertionException(what);
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new AssertionException(what + ": expected <" + Show(expected) + "> but got <" + Show(actual) + ">");
        }

        public static void NotNull(object o, string what)
        {
            if (o == null) throw new AssertionException(what + ": is null");
        }

        public static void Contains(string needle, string haystack, string what)
        {
            if (haystack == null || !haystack.Contains(needle))
                throw new AssertionException(what + ": <" + Show(haystack) + "> does not contain <" + needle + ">");
        }

        public static TEx Throws<TEx>(Action a, string what) where TEx : Exception
        {
            try
            {
                a();
            }
            catch (TEx e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new AssertionException(what + ": expected " + typeof(TEx).Name + " but got " + e.GetType().Name + ": " + e.Message);
            }
            throw new AssertionException(what + ": expected " + typeof(TEx).Name + " but nothing was thrown");
        }

        public static void BytesEqual(byte[] expected, byte[] actual, string what)
        {
            if (expected.Length == actual.Length && expected.SequenceEqual(actual)) return;
            int i = 0;
            while (i < expected.Length && i < actual.Length && expected[i] == actual[i]) i++;
            throw new AssertionException(what + ": bytes differ at offset " + i + " (expected " + expected.Length + " bytes, got " + actual.Length + ")\n  expected " +
                System.Text.Encoding.UTF8.GetString(expected) + "\n  got      " + System.Text.Encoding.UTF8.GetString(actual));
        }

        static string Show(object o) { return o == null ? "null" : o.ToString(); }
    }

    public static class Runner
    {
        static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

        public static int Main(string[] args)
        {
            var asm = Assembly.GetExecutingAssembly();
            var tests = new List<TestCase>();
            var cleanups = new List<MethodInfo>();
            foreach (var type in asm.GetTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                foreach (var m in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                                      .OrderBy(m => m.MetadataToken))
                {
                    if (m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0)
                    {
                        var method = m;
                        var t = type;
                        tests.Add(new TestCase(type.Name + "." + m.Name, () =>
                        {
                            object target = method.IsStatic ? null : Activator.CreateInstance(t);
                            try
                            {
                                method.Invoke(target, null);
                            }
                            catch (TargetInvocationException e)
                            {
                                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                            }
                            finally
                            {
                                var d = target as IDisposable;
                                if (d != null) d.Dispose();
                            }
                        }));
                    }
                    else if (m.GetCustomAttributes(typeof(TestCasesAttribute), false).Length > 0)
                    {
                        IEnumerable<TestCase> cases;
                        try
                        {
                            cases = ((IEnumerable<TestCase>)m.Invoke(null, null)).ToList();
                        }
                        catch (Exception e)
                        {
                            var msg = (e is TargetInvocationException ? e.InnerException : e).ToString();
                            cases = new[] { new TestCase(type.Name + "." + m.Name, () => { throw new AssertionException("listing the cases failed: " + msg); }) };
                        }
                        foreach (var c in cases) tests.Add(new TestCase(type.Name + "." + c.Name, c.Run));
                    }
                    else if (m.GetCustomAttributes(typeof(AfterAllAttribute), false).Length > 0)
                    {
                        cleanups.Add(m);
                    }
                }
            }
            if (args.Length > 0) tests = tests.Where(t => args.Any(a => t.Name.Contains(a))).ToList();

            int passed = 0, failed = 0;
            bool stuck = false;
            var total = Stopwatch.StartNew();
            foreach (var t in tests)
            {
                Exception error = null;
                var sw = Stopwatch.StartNew();
                var th = new Thread(() =>
                {
                    try { t.Run(); }
                    catch (Exception e) { error = e; }
                });
                th.IsBackground = true;
                th.Start();
                if (!th.Join(Limit))
                {
                    error = new TimeoutException("the test did not finish within " + Limit.TotalSeconds + " s");
                    stuck = true;
                }
                if (error == null)
                {
                    passed++;
                    Console.WriteLine("ok   " + t.Name + " (" + sw.ElapsedMilliseconds + " ms)");
                }
                else
                {
                    failed++;
                    Console.WriteLine("FAIL " + t.Name);
                    Console.WriteLine("     " + (error is AssertionException ? error.Message : error.ToString()).Replace("\n", "\n     "));
                }
                if (stuck) break;
            }
            foreach (var c in cleanups)
            {
                try { c.Invoke(null, null); }
                catch (Exception e) { failed++; Console.WriteLine("FAIL cleanup " + c.Name + ": " + e); }
            }
            if (tests.Count == 0) { Console.WriteLine("no test ran"); failed++; }
            Console.WriteLine("(" + total.Elapsed.TotalSeconds.ToString("0.0") + " s)");
            Console.WriteLine(passed + " passed, " + failed + " failed");
            Console.Out.Flush();
            if (stuck) Environment.Exit(1);
            return failed == 0 ? 0 : 1;
        }
    }
}
