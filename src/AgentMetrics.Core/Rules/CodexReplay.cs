namespace AgentMetrics.Rules
{
    /// <summary>
    /// Tells which lines of a Codex rollout are history replayed from the rollout it was forked from (see
    /// docs/formats.md#x8-replays-of-forked-rollouts). Replayed token_counts only move the running total the fork continues
    /// from; replayed requests and tool calls were the parent's and are not the fork's.
    /// <para>
    /// Two layouts are recognised. Older CLIs copy the parent's lines with their original timestamps, so they
    /// are stamped before the fork's own session_meta. CLI 0.36 writes, after the fork's own session_meta, the
    /// parent's session_meta and then the parent's lines, all stamped as it writes them in one burst at the
    /// fork time: the replay is the run of lines stamped in the same UTC second as that foreign session_meta,
    /// and it ends at the first line outside that second. An own request finished within that second cannot be
    /// told from the replay and is taken for it (never counted twice; see the docs).
    /// </para>
    /// The fields are the rollout's per-file state: an import that stops inside a replay saves them with the
    /// file, and the next import resumes the run where it was cut.
    /// </summary>
    internal sealed class CodexReplay
    {
        private const long MillisecondsPerSecond = 1000;

        /// <summary>When the rollout itself began (its own session_meta), Unix milliseconds UTC.</summary>
        public long? OwnStart { get; set; }

        /// <summary>The first millisecond of the UTC second an unfinished replay is stamped in; null when none is open.</summary>
        public long? OpenSecond { get; set; }

        /// <summary>
        /// A session_meta naming another session than the rollout's own: a parent's, written at the head of the
        /// replay (also the grandparent's, inside a replayed replay, stamped in the same second).
        /// </summary>
        public void ForeignSessionMeta(long? lineTs)
        {
            if (lineTs is long at && OpenSecond is null)
            {
                OpenSecond = SecondOf(at);
            }
        }

        /// <summary>
        /// Whether a line that could count (a token_count, a tool call or its output) is replayed history. Lines
        /// are asked in file order: the first one stamped outside the replay's second closes the replay.
        /// </summary>
        public bool IsReplayed(long? ts)
        {
            if (ts is not long at)
            {
                return OpenSecond is not null; // no time of its own: it belongs to the run it stands in
            }

            if (OwnStart is long start && at < start)
            {
                return true; // the older layout: the parent's line kept its original time
            }

            if (OpenSecond is long second)
            {
                if (SecondOf(at) == second)
                {
                    return true;
                }

                OpenSecond = null;
            }

            return false;
        }

        private static long SecondOf(long unixMs)
        {
            long remainder = unixMs % MillisecondsPerSecond;
            return unixMs - (remainder < 0 ? remainder + MillisecondsPerSecond : remainder);
        }
    }
}
