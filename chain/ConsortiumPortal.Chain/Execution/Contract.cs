using System.Reflection;
using System.Text.Json;
using ConsortiumPortal.Chain.Encoding;

namespace ConsortiumPortal.Chain.Execution;

/// <summary>
/// A deterministic contract: a class whose [ContractMethod] methods take (ContractContext, TArgs) and return a
/// result object or nothing. No clock, randomness, I/O or floating point: the context supplies what is needed.
/// </summary>
public abstract class Contract
{
    public abstract string Name { get; }
}

[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractMethodAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>A contract refused the transaction; the message is recorded in the receipt and must be deterministic.</summary>
public class ContractException(string message) : Exception(message);

/// <summary>Contracts by name and their methods by name, bound once by reflection.</summary>
public sealed class ContractRegistry
{
    private delegate object? Invoker(ContractContext context, JsonElement args);

    private readonly Dictionary<string, Dictionary<string, Invoker>> _contracts = new(StringComparer.Ordinal);

    public ContractRegistry(IEnumerable<Contract> contracts)
    {
        foreach (var contract in contracts)
        {
            var methods = new Dictionary<string, Invoker>(StringComparer.Ordinal);
            foreach (var method in contract.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                if (method.GetCustomAttribute<ContractMethodAttribute>() is not { } attribute) continue;
                methods.Add(attribute.Name, Bind(contract, method));
            }
            _contracts.Add(contract.Name, methods);
        }
    }

    public IEnumerable<string> ContractNames => _contracts.Keys;

    public bool Exists(string contract, string method) => _contracts.TryGetValue(contract, out var m) && m.ContainsKey(method);

    public IEnumerable<string> Methods(string contract) => _contracts.TryGetValue(contract, out var m) ? m.Keys : [];

    internal object? Invoke(string contract, string method, ContractContext context, JsonElement args)
    {
        if (!_contracts.TryGetValue(contract, out var methods)) throw new ContractException($"unknown contract \"{contract}\"");
        if (!methods.TryGetValue(method, out var invoker)) throw new ContractException($"unknown method \"{contract}.{method}\"");
        return invoker(context, args);
    }

    private static Invoker Bind(Contract contract, MethodInfo method)
    {
        var parameters = method.GetParameters();
        if (parameters.Length != 2 || parameters[0].ParameterType != typeof(ContractContext))
            throw new InvalidOperationException($"{contract.GetType().Name}.{method.Name} must take (ContractContext, TArgs)");
        var argsType = parameters[1].ParameterType;
        return (context, args) =>
        {
            object? typedArgs;
            try { typedArgs = args.Deserialize(argsType, CanonicalJson.SerializerOptions); }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                throw new ContractException($"invalid arguments: {e.Message}");
            }
            if (typedArgs is null) throw new ContractException("invalid arguments: null");
            try { return method.Invoke(contract, [context, typedArgs]); }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        };
    }
}
