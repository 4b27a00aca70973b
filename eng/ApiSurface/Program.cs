using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

// Counts what a user of each assembly can see: public types (nested ones when every enclosing type is public too) and
// their members reachable from outside (public, protected, protected internal). Metadata only: nothing is loaded or run.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: ApiSurface <assembly.dll>...");
    return 2;
}

Console.WriteLine($"{"assembly",-20} {"types",6} {"members",8}");
var totalTypes = 0;
var totalMembers = 0;
foreach (var path in args)
{
    var (types, members) = Count(path);
    totalTypes += types;
    totalMembers += members;
    Console.WriteLine($"{Path.GetFileNameWithoutExtension(path),-20} {types,6} {members,8}");
}

Console.WriteLine($"{"total",-20} {totalTypes,6} {totalMembers,8}");
return 0;

static (int Types, int Members) Count(string path)
{
    using var stream = File.OpenRead(path);
    using var pe = new PEReader(stream);
    var reader = pe.GetMetadataReader();
    var types = 0;
    var members = 0;
    foreach (var handle in reader.TypeDefinitions)
    {
        var type = reader.GetTypeDefinition(handle);
        if (!IsVisible(reader, type))
        {
            continue;
        }

        types++;
        var sealedType = (type.Attributes & TypeAttributes.Sealed) != 0;
        members += type.GetMethods().Select(reader.GetMethodDefinition)
            .Count(m => IsReachable(m.Attributes & MethodAttributes.MemberAccessMask, sealedType) && !IsAccessor(reader, m));
        members += type.GetFields().Select(reader.GetFieldDefinition)
            .Count(f => IsReachable((MethodAttributes)(int)(f.Attributes & FieldAttributes.FieldAccessMask), sealedType)
                && (f.Attributes & FieldAttributes.SpecialName) == 0);
        members += type.GetProperties().Select(reader.GetPropertyDefinition).Count(p => AnyReachable(reader, sealedType, p.GetAccessors().Getter, p.GetAccessors().Setter));
        members += type.GetEvents().Select(reader.GetEventDefinition).Count(e => AnyReachable(reader, sealedType, e.GetAccessors().Adder, e.GetAccessors().Remover));
    }

    return (types, members);
}

static bool IsVisible(MetadataReader reader, TypeDefinition type)
{
    var visibility = type.Attributes & TypeAttributes.VisibilityMask;
    if (visibility == TypeAttributes.Public)
    {
        return true;
    }

    if (visibility is TypeAttributes.NestedPublic or TypeAttributes.NestedFamily or TypeAttributes.NestedFamORAssem)
    {
        return IsVisible(reader, reader.GetTypeDefinition(type.GetDeclaringType()));
    }

    return false;
}

// Protected members of a sealed type cannot be reached (only a compiler-generated few exist there).
static bool IsReachable(MethodAttributes access, bool sealedType) => access switch
{
    MethodAttributes.Public => true,
    MethodAttributes.Family or MethodAttributes.FamORAssem => !sealedType,
    _ => false,
};

// Property and event accessors are counted once, as their property or event.
static bool IsAccessor(MetadataReader reader, MethodDefinition method) =>
    (method.Attributes & MethodAttributes.SpecialName) != 0
    && reader.GetString(method.Name) is var name
    && (name.StartsWith("get_", StringComparison.Ordinal) || name.StartsWith("set_", StringComparison.Ordinal)
        || name.StartsWith("add_", StringComparison.Ordinal) || name.StartsWith("remove_", StringComparison.Ordinal));

static bool AnyReachable(MetadataReader reader, bool sealedType, params MethodDefinitionHandle[] accessors) =>
    accessors.Any(h => !h.IsNil && IsReachable(reader.GetMethodDefinition(h).Attributes & MethodAttributes.MemberAccessMask, sealedType));
