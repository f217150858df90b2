using AgentMetrics.Rules;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// The agent label is built in C# (the reader, the writer) and in SQL (the relabelling of rows already
    /// written): SQLite must build the same label as C# for every kind of subagent type.
    /// </summary>
    public sealed class AgentLabelTests
    {
        [Theory]
        [InlineData("Explore")]
        [InlineData("general-purpose")]
        [InlineData("it's quoted")]
        [InlineData("ünïcödé/with slash")]
        [InlineData("")]
        public void SqlBuildsTheSameSubagentLabelAsCSharp(string type)
        {
            using var connection = new SqliteConnection("Data Source=:memory:");
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT " + AgentLabel.ClaudeSubagentSql("$type") + ";";
            command.Parameters.AddWithValue("$type", type);

            Assert.Equal(AgentLabel.ClaudeSubagent(type), (string)command.ExecuteScalar()!);
        }
    }
}
