using System;
using System.IO;
using System.Management.Automation;
using AgentMetrics.Errors;
using AgentMetrics.PowerShell.Loading;
using AgentMetrics.Warehousing;

namespace AgentMetrics.PowerShell.Infrastructure
{
    /// <summary>Shared plumbing: error mapping from Core's exceptions and the module's own locations.</summary>
    public abstract class AgentMetricsCmdlet : PSCmdlet
    {
        /// <summary>The folder the staged module lives in (the manifest's folder).</summary>
        internal static string ModuleBase => Path.GetDirectoryName(DependencyLoader.BinFolder) ?? DependencyLoader.BinFolder;

        internal static string ShippedPricingFolder => Path.Combine(ModuleBase, "pricing");

        private TableLayout? _tableLayout;

        /// <summary>An object to emit, named for the table view that fits where this command's output goes (TableLayout).</summary>
        internal PSObject ForOutput(object value, string? view = null) => (_tableLayout ??= TableLayout.For(this)).Name(value, view);

        internal static ErrorCategory ToCategory(ErrorKind kind) => kind switch
        {
            ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
            ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            ErrorKind.ReadError => ErrorCategory.ReadError,
            ErrorKind.WriteError => ErrorCategory.WriteError,
            ErrorKind.NotInstalled => ErrorCategory.NotInstalled,
            ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
            _ => ErrorCategory.NotSpecified,
        };

        internal static ErrorRecord ToErrorRecord(AgentMetricsException ex) =>
            new ErrorRecord(ex, ex.ErrorId, ToCategory(ex.Kind), ex.Target);

        internal static ErrorRecord ToErrorRecord(ItemProblem problem) =>
            new ErrorRecord(new InvalidDataException(problem.Message), problem.ErrorId, ToCategory(problem.Kind), problem.Target);

        protected override void BeginProcessing()
        {
            Run(Begin);
        }

        protected override void ProcessRecord()
        {
            Run(Process);
        }

        protected override void EndProcessing()
        {
            Run(End);
        }

        protected virtual void Begin()
        {
        }

        protected virtual void Process()
        {
        }

        protected virtual void End()
        {
        }

        /// <summary>Core's exceptions become terminating errors with their id, category and target.</summary>
        private void Run(Action action)
        {
            try
            {
                action();
            }
            catch (AgentMetricsException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex));
            }
        }

        /// <summary>Loads native SQLite once per process, saying where it was expected if that fails.</summary>
        internal static void LoadSqlite()
        {
            SqliteNative.ExpectedLocation ??= NativePlatform.SqlitePath(DependencyLoader.DependencyFolder);
            SqliteNative.EnsureLoaded();
        }

        /// <summary>For Import-AgentHistory: opens (creating if needed) the warehouse named by -Warehouse or the default one.</summary>
        internal Warehouse OpenWarehouseForImport(string? warehousePath)
        {
            LoadSqlite();
            return Warehouse.Open(ResolveWarehousePath(warehousePath));
        }

        /// <summary>
        /// For queries: opens an existing warehouse without writing to it (WarehouseNotFound, NotAWarehouse
        /// otherwise) and says under -Verbose which file it reads and how.
        /// </summary>
        internal Warehouse OpenWarehouseForReading(string? warehousePath, bool allowOlderSchema = false)
        {
            LoadSqlite();
            Warehouse warehouse = Warehouse.OpenForReading(ResolveWarehousePath(warehousePath), allowOlderSchema);
            WriteVerbose(warehouse.OpenedAs.Length == 0
                ? $"Reading the warehouse '{warehouse.Path}'."
                : $"Reading the warehouse '{warehouse.Path}' ({warehouse.OpenedAs}).");
            return warehouse;
        }

        /// <summary>The full path of -Warehouse through the provider ($PWD, ~, PSDrives), or the default one.</summary>
        internal string ResolveWarehousePath(string? warehousePath) => string.IsNullOrEmpty(warehousePath)
            ? AgentMetricsPaths.DefaultWarehouse
            : SessionState.Path.GetUnresolvedProviderPathFromPSPath(warehousePath);
    }
}
