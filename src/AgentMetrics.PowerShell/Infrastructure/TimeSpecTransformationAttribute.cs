using System;
using System.Management.Automation;
using AgentMetrics.Errors;
using AgentMetrics.Query;

namespace AgentMetrics.PowerShell.Infrastructure
{
    /// <summary>Lets every -Since/-Until take 7d, 24h, 2w, 90m, an ISO date or a DateTime.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TimeSpecTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null;
                case DateTime dateTime:
                    return dateTime;
                case DateTimeOffset offset:
                    return offset.LocalDateTime;
                // PowerShell reads an unquoted 7d as the decimal literal 7 ('d' is its decimal suffix), so a
                // number is a count of days: -Since 7d and -Since 7 both mean seven days ago.
                case decimal _:
                case int _:
                case long _:
                case double _:
                    return DateTimeOffset.Now.AddDays(-Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)).LocalDateTime;
                case string text:
                    try
                    {
                        return TimeSpec.Parse(text, DateTimeOffset.Now).LocalDateTime;
                    }
                    catch (AgentMetricsException ex)
                    {
                        throw new ArgumentTransformationMetadataException(ex.Message, ex);
                    }

                default:
                    throw new ArgumentTransformationMetadataException($"Cannot use a {value.GetType().Name} as a time; give 7d, 24h, a date or a DateTime.");
            }
        }
    }
}
