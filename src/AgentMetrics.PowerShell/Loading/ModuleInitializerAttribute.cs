namespace System.Runtime.CompilerServices
{
    // netstandard2.0 lacks the attribute; the compiler only needs one with this name to emit a module
    // initializer, and both the CLR and CoreCLR run it before any other code in this assembly.
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    internal sealed class ModuleInitializerAttribute : Attribute
    {
    }
}
