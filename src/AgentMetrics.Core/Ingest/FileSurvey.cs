using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AgentMetrics.Sources;
using AgentMetrics.Warehousing;

namespace AgentMetrics.Ingest
{
    /// <summary>
    /// Finds a source's files and compares each with its manifest from the last import: what is new, grown
    /// or rewritten becomes work for the parse pipeline; an unchanged file is counted and never opened.
    /// </summary>
    internal static class FileSurvey
    {
        /// <summary>A source's files under its roots, each once, with its size and mtime (one stat per file).</summary>
        public static List<(DiscoveredFile File, FileInfo Info)> FindFiles(SourceReader reader, List<string> roots)
        {
            var files = new List<(DiscoveredFile, FileInfo)>();
            foreach (DiscoveredFile file in roots.SelectMany(reader.Discover)
                .GroupBy(f => Path.GetFullPath(f.Path), StringComparer.Ordinal)
                .Select(g => g.First()))
            {
                var info = new FileInfo(file.Path);
                info.Refresh();
                files.Add((file, info));
            }

            return files;
        }

        /// <summary>Decides, by each file's size and mtime against its manifest, which to read: an unchanged file is never opened.</summary>
        public static SourceImport Compare(
            string warehousePath,
            SourceReader reader,
            List<(DiscoveredFile File, FileInfo Info)> files,
            Dictionary<string, FileManifest> manifests,
            bool force,
            ImportProgress progress)
        {
            var source = new SourceImport(reader, new ImportResult { Source = reader.Source, Warehouse = warehousePath });
            ImportResult result = source.Result;
            progress.FilesTotal += files.Count;
            foreach (var (file, info) in files)
            {
                result.FilesSeen++;
                if (!info.Exists)
                {
                    continue;
                }

                progress.BytesTotal += info.Length;
                long mtime = Util.TimeUtil.ToUnixMs(new DateTimeOffset(info.LastWriteTimeUtc));
                manifests.TryGetValue(file.Path, out FileManifest? manifest);
                if (!force && manifest is not null && manifest.Size == info.Length && manifest.MtimeMs == mtime)
                {
                    result.FilesUnchanged++;
                    progress.FilesDone++;
                    progress.BytesDone += info.Length;
                    continue;
                }

                manifest ??= new FileManifest { Source = reader.Source, Path = file.Path };
                source.Work.Add(new FileWork(reader, result, file, manifest, info.Length, mtime, force));
            }

            return source;
        }
    }
}
