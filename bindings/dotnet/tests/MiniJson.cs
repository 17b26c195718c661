// A minimal JSON reader for the tests: objects become Dictionary<string, object> (members in
// document order are not needed), arrays List<object>, numbers double, plus string, bool, null.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PfhirSdk.Tests
{
    public sealed class MiniJson
    {
        readonly string s;
        int i;

        MiniJson(string text) { s = text; }

        public static object Parse(string text)
        {
            var p = new MiniJson(text);
            p.Ws();
            object v = p.Value();
            p.Ws();
            if (p.i != p.s.Length) throw p.Error("trailing characters");
            return v;
        }

        Exception Error(string what) { return new FormatException("JSON: " + what + " at offset " + i); }

        void Ws() { while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++; }

        void Expect(char c)
        {
            if (i >= s.Length || s[i] != c) throw Error("expected '" + c + "'");
            i++;
        }

        object Value()
        {
            if (i >= s.Length) throw Error("unexpected end");
            char c = s[i];
            if (c == '{') return Obj();
            if (c == '[') return Arr();
            if (c == '"') return Str();
            if (Lit("true")) return true;
            if (Lit("false")) return false;
            if (Lit("null")) return null;
            return Num();
        }

        bool Lit(string w)
        {
            if (string.CompareOrdinal(s, i, w, 0, w.Length) != 0) return false;
            i += w.Length;
            return true;
        }

        Dictionary<string, object> Obj()
        {
            var d = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            Ws();
            if (i < s.Length && s[i] == '}') { i++; return d; }
            while (true)
            {
                Ws();
                string k = Str();
                Ws();
                Expect(':');
                Ws();
                d[k] = Value();
                Ws();
                if (i < s.Length && s[i] == ',') { i++; continue; }
                Expect('}');
                return d;
            }
        }

        List<object> Arr()
        {
            var l = new List<object>();
            Expect('[');
            Ws();
            if (i < s.Length && s[i] == ']') { i++; return l; }
            while (true)
            {
                Ws();
                l.Add(Value());
                Ws();
                if (i < s.Length && s[i] == ',') { i++; continue; }
                Expect(']');
                return l;
            }
        }

        string Str()
        {
            Expect('"');
            var sb = new StringBuilder();
            while (true)
            {
                if (i >= s.Length) throw Error("unterminated string");
                char c = s[i++];
                if (c == '"') return sb.ToString();
                if (c != '\\') { sb.Append(c); continue; }
                if (i >= s.Length) throw Error("unterminated escape");
                char e = s[i++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (i + 4 > s.Length) throw Error("short \\u escape");
                        sb.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: throw Error("bad escape");
                }
            }
        }

        double Num()
        {
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            if (start == i) throw Error("unexpected character");
            return double.Parse(s.Substring(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        // ---- accessors for tests ----

        public static object Get(object o, string member)
        {
            var d = o as Dictionary<string, object>;
            if (d == null) throw new FormatException("not an object (looking for " + member + ")");
            object v;
            return d.TryGetValue(member, out v) ? v : null;
        }

        public static bool Has(object o, string member)
        {
            var d = o as Dictionary<string, object>;
            return d != null && d.ContainsKey(member);
        }
    }
}
