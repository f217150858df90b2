using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AgentMetrics.Sources
{
    /// <summary>
    /// A key from a record's identifying fields, for sources whose records carry no id of their own: the same
    /// record gives the same key in whichever file or import it is read, so the warehouse's upserts count it once.
    /// </summary>
    internal static class StableKey
    {
        public static string Of(string prefix, params object?[] fields)
        {
            var text = new StringBuilder();
            foreach (object? field in fields)
            {
                // A separator that cannot occur in JSON text keeps ("ab","c") and ("a","bc") apart; null differs from "".
                text.Append(field is null ? "\u0002" : Convert.ToString(field, CultureInfo.InvariantCulture)).Append('\u0001');
            }

            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString()));
            return prefix + ":" + BitConverter.ToString(hash, 0, 16).Replace("-", string.Empty).ToLowerInvariant();
        }
    }
}
