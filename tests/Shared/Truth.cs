using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace AgentMetrics.Tests.Shared
{
    /// <summary>The fixture's expected totals (agent-home.truth.json), read as plain dictionaries.</summary>
    public sealed class Truth
    {
        private static Truth? _instance;

        private Truth(JsonElement root)
        {
            Root = root;
        }

        public static Truth Load() => _instance ??= new Truth(JsonDocument.Parse(File.ReadAllBytes(Fixtures.Truth)).RootElement.Clone());

        public JsonElement Root { get; }

        public JsonElement Claude => Root.GetProperty("claude");

        public JsonElement Codex => Root.GetProperty("codex");

        /// <summary>claude.daily: day → model → token object.</summary>
        public IEnumerable<(string Day, string Model, JsonElement Tokens)> ClaudeDailyModels() =>
            from day in Claude.GetProperty("daily").EnumerateObject()
            from model in day.Value.GetProperty("models").EnumerateObject()
            select (day.Name, model.Name, model.Value);

        public IEnumerable<(string Day, string Model, decimal Cost)> ClaudeDailyCosts() =>
            from day in Claude.GetProperty("daily").EnumerateObject()
            from model in day.Value.GetProperty("cost_usd_whole_request_rule").EnumerateObject()
            select (day.Name, model.Name, model.Value.GetDecimal());

        public IEnumerable<(string Day, string Model, JsonElement Tokens)> CodexDailyModels() =>
            from day in Codex.GetProperty("daily").EnumerateObject()
            from model in day.Value.GetProperty("models").EnumerateObject()
            select (day.Name, model.Name, model.Value);

        public static long L(JsonElement tokens, string name) => tokens.TryGetProperty(name, out JsonElement v) ? v.GetInt64() : 0;
    }
}
