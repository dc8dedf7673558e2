using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Fleet.Sdk.Config;

/// <summary>Writes a <see cref="FleetValue"/> tree as block YAML, keeping quoted strings strings (<c>"7200"</c> stays a string).</summary>
internal static partial class YamlTreeWriter
{
    public static string Write(FleetValue value, IEnumerable<string>? headerComments = null)
    {
        using var writer = new StringWriter();
        foreach (var comment in headerComments ?? [])
        {
            writer.Write("# ");
            writer.WriteLine(comment);
        }

        var emitter = new Emitter(writer, 2, int.MaxValue);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, value);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Emit(IEmitter emitter, FleetValue value)
    {
        switch (value)
        {
            case FleetScalar scalar:
                EmitScalar(emitter, scalar.Value, scalar.Style);
                break;
            case FleetSequence sequence:
                var flow = sequence.Items.Count == 0 ||
                           (sequence.Items.All(i => i is FleetScalar { Value.Length: < 40 }) && sequence.Items.Count <= 8);
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, flow ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in sequence.Items)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case FleetMapping mapping:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, mapping.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var entry in mapping.Entries)
                {
                    EmitScalar(emitter, entry.Key, FleetScalarStyle.Plain);
                    Emit(emitter, entry.Value);
                }

                emitter.Emit(new MappingEnd());
                break;
        }
    }

    private static void EmitScalar(IEmitter emitter, string? value, FleetScalarStyle style)
    {
        if (value is null)
        {
            emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, "null", ScalarStyle.Plain, true, false));
            return;
        }

        // A quoted string that would read back as a number, boolean or null keeps its quotes.
        var scalarStyle = style == FleetScalarStyle.Quoted && (ImplicitlyTyped().IsMatch(value) || value.Length == 0)
            ? ScalarStyle.DoubleQuoted
            : value.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, scalarStyle, true, scalarStyle != ScalarStyle.Plain));
    }

    [GeneratedRegex(@"^([-+]?(\d[\d_]*)?(\.\d+)?([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o?[0-7]+|true|false|True|False|TRUE|FALSE|yes|no|Yes|No|YES|NO|on|off|On|Off|ON|OFF|y|n|Y|N|null|Null|NULL|~|\.inf|\.nan|-\.inf)$")]
    private static partial Regex ImplicitlyTyped();
}
